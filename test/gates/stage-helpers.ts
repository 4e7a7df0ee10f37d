/**
 * Copies of the fixture projects (test/fixtures/gates/projects, their
 * deliberate failures listed in EXPECTED.md) run through the compiled
 * binary with the real tools of this machine on PATH: tollgate's own
 * node_modules/.bin, Debian's pytest and coverage.py through a
 * system-site-packages venv, and fakes for what cannot be installed.
 */
import { spawnSync } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import sarifSchema from "../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";
import type { GateResult, StageReport } from "../../src/gates/result.ts";
import { PROJECT_ROOT, runTollgate, tempDir } from "../helpers.ts";
import { type FakeTools, fakeTools } from "./fake-tools.ts";

export const PROJECTS = join(PROJECT_ROOT, "test/fixtures/gates/projects");
const NODE_BIN = join(PROJECT_ROOT, "node_modules/.bin");

export function sh(cwd: string, ...argv: string[]): string {
  const [file, ...args] = argv as [string, ...string[]];
  const result = spawnSync(file, args, { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

export interface FixtureOptions {
  /** A venv with Debian's pytest and coverage.py (--system-site-packages). */
  venv?: boolean;
  /** A git repository with everything committed. */
  git?: boolean;
}

export function fixture(name: string, options: FixtureOptions = {}): string {
  const dir = join(tempDir("gates-fixture-"), name);
  cpSync(join(PROJECTS, name), dir, { recursive: true });
  if (options.venv) sh(dir, "/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", ".venv");
  if (options.git) {
    writeFileSync(join(dir, ".gitignore"), ".venv/\n.tollgate/\n");
    sh(dir, "git", "init", "-q", "-b", "main");
    sh(dir, "git", "add", "-A");
    sh(dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "fixture");
  }
  return dir;
}

export interface GatesRun {
  code: number | null;
  stdout: string;
  stderr: string;
  report: StageReport & { notes: string[] };
  gate(id: string): GateResult;
}

/** tollgate run in `cwd` with the fixture tools on PATH, its output as text (for the runs that print no report). */
export function runGatesRaw(
  args: string[],
  cwd: string,
  fakes: FakeTools = fakeTools([]),
  env: Record<string, string> = {},
) {
  const path = [fakes.bin, NODE_BIN, process.env.PATH ?? "/usr/bin:/bin"].join(":");
  return runTollgate(args, { cwd, compiled: true, env: { PATH: path, ...env } });
}

export function gates(
  args: string[],
  cwd: string,
  options: { fakes?: FakeTools; env?: Record<string, string> } = {},
): GatesRun {
  const fakes = options.fakes ?? fakeTools();
  const path = [fakes.bin, NODE_BIN, process.env.PATH ?? "/usr/bin:/bin"].join(":");
  // One home per fixture copy: its cache (in $XDG_CACHE_HOME) lasts from one run to the next.
  const home = join(cwd, "..", "home");
  const result = runTollgate([...args, "--json"], {
    cwd,
    compiled: true,
    env: { PATH: path, HOME: home, ...options.env },
  });
  let report: GatesRun["report"];
  try {
    report = JSON.parse(result.stdout);
  } catch {
    throw new Error(`tollgate ${args.join(" ")} printed no JSON (exit ${result.code}): ${result.stderr}`);
  }
  return {
    ...result,
    report,
    gate(id) {
      const found = report.gates.find((gate) => gate.id === id);
      if (!found) throw new Error(`no gate ${id} in ${report.gates.map((gate) => gate.id).join(", ")}`);
      return found;
    },
  };
}

/** Gate id -> verdict, for a whole-report comparison. */
export const verdicts = (run: GatesRun): Record<string, string> =>
  Object.fromEntries(run.report.gates.map((gate) => [gate.id, gate.verdict]));

/**
 * Problems with a SARIF log against the official 2.1.0 schema (draft-04:
 * its `id` becomes `$id`, and its regexes are not Unicode-mode regexes).
 */
export function validateSarif(log: unknown): string[] {
  const { $schema: _, id, ...rest } = sarifSchema as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile({ ...rest, $id: id as string });
  return validate(log) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
