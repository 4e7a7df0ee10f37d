/**
 * The adversarial suite runs every attack twice: outside the sandbox (local
 * mode, or by hand), where it must succeed, so the attack is known to work;
 * then in hardened mode under real bubblewrap, where it must fail.
 */
import { realpathSync } from "node:fs";
import { runProcess } from "../../../src/core/process.ts";
import { realHost } from "../../../src/sandbox/bwrap.ts";
import { bwrapArgs } from "../../../src/sandbox/bwrap-args.ts";
import { execute } from "../../../src/sandbox/executor.ts";
import type { CommandOutcome, CommandPlan } from "../../../src/sandbox/plan.ts";
import { findTool } from "../../../src/sandbox/preflight.ts";
import { plan } from "../../fixtures/sandbox/plans.ts";

export const sh = (script: string) => ["/bin/sh", "-c", script];
export const python = (code: string) => ["/usr/bin/python3", "-c", code];

export async function outside(segments: string[][], overrides: Partial<CommandPlan> = {}): Promise<CommandOutcome> {
  return only(await execute([plan(segments, overrides)], { mode: "local", graceMs: 200 }));
}

export async function inside(
  segments: string[][],
  overrides: Partial<CommandPlan> = {},
  hidden: readonly string[] = [],
): Promise<CommandOutcome> {
  return only(await execute([plan(segments, overrides)], { mode: "hardened", graceMs: 200, hidden }));
}

function only(outcome: { commands: CommandOutcome[] }): CommandOutcome {
  const [command] = outcome.commands;
  if (!command) throw new Error("no command outcome");
  return command;
}

/** The argv tollgate would launch for `plan` (first segment), to run by hand or with an option removed. */
export function handArgv(planned: CommandPlan, without: readonly string[] = []): string[] {
  const bwrap = findTool("bwrap");
  const prlimit = findTool("prlimit");
  if (!bwrap || !prlimit) throw new Error("bwrap and prlimit must be installed (scripts/ensure-test-tools.sh)");
  const argv0 = planned.segments[0]?.[0] as string;
  const [args = []] = bwrapArgs(planned, realHost(prlimit, { [argv0]: realpathSync(argv0) }, []));
  const status = args.indexOf("--json-status-fd");
  const kept = args.filter((_, index) => index !== status && index !== status + 1);
  for (const option of without) {
    const at = kept.indexOf(option);
    if (at < 0) throw new Error(`${option} is not in the sandbox arguments`);
    kept.splice(at, option === "--cap-drop" ? 2 : 1);
  }
  return [bwrap, ...kept];
}

export function runByHand(argv: string[], timeoutMs = 10_000) {
  return runProcess(argv, { env: {}, timeoutMs, graceMs: 200 });
}
