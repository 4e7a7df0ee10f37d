/**
 * `sandbox = true`: every tool run goes through the sandbox executor in
 * hardened mode (bubblewrap): no network, the project read-only (writable
 * only for fixers), the step's own folder writable, tollgate's keys and state
 * hidden, the tool's own install folder readable, limits on every process.
 * When hardened mode cannot run here, every step is an error: never a quiet
 * fallback to running the tool unfenced.
 */
import { realpathSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { childEnv, ensurePrivateDir, stripAnsi } from "../core/index.ts";
import { type CommandPlan, execute } from "../sandbox/index.ts";
import { realRunner } from "./probe.ts";
import { type Launch, runStepWith, type StepExecutor, type StepSpec, TOOL_ENV } from "./steps.ts";

/** Folders a tool's executable needs to be readable: its real folder and, for npm tools, the whole node_modules. */
function toolRoots(executable: string): string[] {
  const real = realpathSync(executable);
  const modules = real.lastIndexOf("/node_modules/");
  return [dirname(real), ...(modules === -1 ? [] : [real.slice(0, modules + "/node_modules".length)])];
}

const LIMITS = {
  openFiles: 4096,
  processes: 4096,
  fileSizeBytes: 4 * 1024 ** 3,
  // JavaScript runtimes reserve tens of GiB of address space up front: a tighter limit stops them starting.
  addressSpaceBytes: 256 * 1024 ** 3,
};

function plan(spec: StepSpec, argv: string[], index: number, timeoutMs: number): CommandPlan {
  const executable = isAbsolute(argv[0] as string) ? (argv[0] as string) : realRunner().which(argv[0] as string, []);
  if (executable === undefined) throw new Error(`${argv[0]} is not on PATH`);
  const home = join(spec.workDir, "home");
  ensurePrivateDir(home);
  const cwd = realpathSync(spec.cwd);
  return {
    id: `${spec.key}-${index + 1}`,
    segments: [[realpathSync(executable), ...argv.slice(1)]],
    cwd,
    readPaths: [...new Set([cwd, ...toolRoots(executable)])],
    writePaths: [realpathSync(spec.workDir), ...(spec.modifies ? [cwd] : [])],
    network: "deny",
    env: childEnv(undefined, { ...TOOL_ENV, ...spec.env, HOME: home }),
    secretNames: [],
    timeoutMs,
    limits: { ...LIMITS, cpuSeconds: Math.max(1, Math.ceil(timeoutMs / 1000)) },
  };
}

const launchSandboxed: Launch = async (spec, argv, index, timeoutMs) => {
  let built: CommandPlan;
  try {
    built = plan(spec, argv, index, timeoutMs);
  } catch (error) {
    return { argv, exitCode: null, timedOut: false, stdout: "", stderr: "", sandboxError: (error as Error).message };
  }
  const [outcome] = (await execute([built], { mode: "hardened" })).commands;
  return {
    argv,
    exitCode: outcome?.status === "sandbox_error" ? null : (outcome?.exitCode ?? null),
    timedOut: outcome?.status === "timed_out",
    stdout: stripAnsi(outcome?.stdout.text ?? ""),
    stderr: stripAnsi(outcome?.stderr.text ?? ""),
    ...(outcome?.sandboxError === undefined ? {} : { sandboxError: outcome.sandboxError }),
  };
};

export const runSandboxedStep: StepExecutor = (spec) => runStepWith(spec, launchSandboxed);
