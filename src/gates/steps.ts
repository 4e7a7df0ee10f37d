/**
 * A step is one run of a tool (or a short sequence, such as `coverage run`
 * then `coverage xml`) whose output one or more gates read: the test run
 * feeds the test, coverage and CRAP gates. Steps are what runs and what the
 * cache stores; gates are verdicts read from them.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { childEnv, ensurePrivateDir, runProcess, stripAnsi } from "../core/index.ts";

interface StepCommand {
  argv: string[];
  /** Run even when the previous command failed (`coverage xml` after failing tests). */
  always?: boolean;
}

export interface StepSpec {
  /** Unique per project: "tests", "lint", "lizard". */
  key: string;
  /** The tool (a TOOLS name) whose version is part of the cache key. */
  tool: string;
  toolVersion: string;
  cwd: string;
  /** The step's private folder (absolute): its reports, coverage data, a sandboxed tool's HOME. */
  workDir: string;
  commands: StepCommand[];
  /** Files the step writes that gates read (absolute); removed before the run. */
  reports: string[];
  /** Folders whose files ending in `suffix` gates read (mutmut's mutants/*.meta), read after the run. */
  reportTrees?: { dir: string; suffix: string }[];
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
  timeoutMs: number;
  /** The step writes the project's files (fix, format): never cached, never run in parallel with others. */
  modifies: boolean;
}

export interface CommandOutput {
  argv: string[];
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** The sandbox could not run the command (hardened mode unavailable, a path it refused). */
  sandboxError?: string;
}

export interface StepOutput {
  key: string;
  tool: string;
  toolVersion: string;
  commands: CommandOutput[];
  /** Each report file's text, or null when the tool did not write it. */
  reports: Record<string, string | null>;
  durationMs: number;
  cached: boolean;
}

const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** Variables every tool gets beyond the base allowlist: no colour codes, no bytecode or caches in the project. */
export const TOOL_ENV = {
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  CI: "true",
  PYTHONDONTWRITEBYTECODE: "1",
  PYTHONUNBUFFERED: "1",
};

export type StepExecutor = (spec: StepSpec) => Promise<StepOutput>;

/** Clears what a previous run of the step left, so a report the tool does not write now is not read from then. */
function prepareReports(spec: StepSpec): void {
  for (const report of spec.reports) rmSync(report, { force: true, recursive: true });
  ensurePrivateDir(spec.workDir);
  for (const report of spec.reports) ensurePrivateDir(dirname(report));
}

function readReports(spec: StepSpec): Record<string, string | null> {
  const trees = (spec.reportTrees ?? []).flatMap((tree) => filesUnder(tree.dir, tree.suffix));
  return Object.fromEntries([...spec.reports, ...trees].map((path) => [path, readReport(path)]));
}

/** Runs one command of a step with the time it has left: directly, or in the sandbox. */
export type Launch = (spec: StepSpec, argv: string[], index: number, timeoutMs: number) => Promise<CommandOutput>;

/**
 * Runs a step's commands in order, each with the step's timeout left (a
 * command marked `always` runs after a failure too), then reads its reports.
 */
export async function runStepWith(spec: StepSpec, launch: Launch): Promise<StepOutput> {
  const started = Date.now();
  prepareReports(spec);
  const commands: CommandOutput[] = [];
  for (const [index, command] of spec.commands.entries()) {
    const previous = commands.at(-1);
    if (previous && (previous.timedOut || previous.sandboxError || (previous.exitCode !== 0 && !command.always))) break;
    const left = spec.timeoutMs - (Date.now() - started);
    if (left <= 0) break;
    commands.push(await launch(spec, command.argv, index, left));
  }
  return {
    key: spec.key,
    tool: spec.tool,
    toolVersion: spec.toolVersion,
    commands,
    reports: readReports(spec),
    durationMs: Date.now() - started,
    cached: false,
  };
}

const launchDirectly: Launch = async (spec, argv, _index, timeoutMs) => {
  const result = await runProcess(argv, {
    cwd: spec.cwd,
    timeoutMs,
    env: childEnv(undefined, { ...TOOL_ENV, ...spec.env }),
  });
  return {
    argv,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    stdout: stripAnsi(result.stdout.text),
    stderr: stripAnsi(result.stderr.text),
  };
};

/** A step run directly: the tool as the user, with the allowlisted environment. */
export const runStep: StepExecutor = (spec) => runStepWith(spec, launchDirectly);

function filesUnder(dir: string, suffix: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(suffix))
      .map((name) => join(dir, name))
      .sort();
  } catch {
    return [];
  }
}

function readReport(path: string): string | null {
  if (!existsSync(path)) return null;
  try {
    const bytes = readFileSync(path);
    return bytes.byteLength > MAX_REPORT_BYTES ? null : bytes.toString("utf8");
  } catch {
    return null;
  }
}

/** The first command's output, the one gates parse; the last lines of all output for a person. */
export function mainOutput(output: StepOutput): CommandOutput {
  return output.commands[0] ?? { argv: [], exitCode: null, timedOut: false, stdout: "", stderr: "" };
}

const TAIL_LINES = 40;

export function outputTail(output: StepOutput): string {
  const text = output.commands
    .map((command) => `${command.stdout}${command.stdout && command.stderr ? "\n" : ""}${command.stderr}`.trim())
    .filter((part) => part !== "")
    .join("\n");
  const lines = text.split("\n");
  return lines.length <= TAIL_LINES
    ? text
    : [`... (${lines.length - TAIL_LINES} lines above)`, ...lines.slice(-TAIL_LINES)].join("\n");
}
