/**
 * How a gate is defined for a toolchain: which steps it reads (built from the
 * project, the config and the tools found), and how its verdict is read from
 * their output. Verdicts come from parsed output; an exit code alone never
 * passes a gate that has a parser.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { GatesConfig } from "./config.ts";
import type { Project } from "./detect.ts";
import { type Finding, ParseError } from "./findings.ts";
import { type ToolProbe, toolCommand } from "./probe.ts";
import type { Measurement, Stage } from "./result.ts";
import { mainOutput, type StepOutput, type StepSpec } from "./steps.ts";

/** What a gate over the whole repository (a custom gate) is planned with. */
export interface GateContext {
  /** The detection root (absolute). */
  root: string;
  /** The folder the gate's tools run in (absolute). */
  dir: string;
  config: GatesConfig;
  stage: Stage;
  /** Files a file-level gate checks, relative to the project folder; undefined: the whole project. */
  files?: string[];
  /** Tools found for this project, by TOOLS name. */
  tools: ReadonlyMap<string, ToolProbe>;
  /** A private folder for a step's reports (absolute). */
  outDir(key: string): string;
  /** The test run measures coverage (a coverage or CRAP gate reads it). */
  coverage: boolean;
  /** Fixers write files (check, pre-commit, post-edit) or only report (ci, nightly). */
  write: boolean;
  /** The step timeout, except for mutation testing (its own budget). */
  timeoutMs: number;
}

export interface ProjectContext extends GateContext {
  project: Project;
}

/** What a gate needs before it can run: steps, or a reason it cannot. */
export type GatePlan =
  | { kind: "steps"; tool: string; steps: StepSpec[] }
  | { kind: "skip"; reason: string }
  | { kind: "missing"; tool: string; install: string }
  | { kind: "broken"; tool: string; problem: string };

export interface Evaluation {
  /** Measured outside the threshold (the runner turns it into fail or warn). */
  failed: boolean;
  summary: string;
  measurement?: Measurement;
  findings: Finding[];
}

export interface GateDefinition<C extends GateContext = ProjectContext> {
  /** A built-in gate name, or a custom gate's name. */
  gate: string;
  /** File-level gates check only the files given (--changed, staged files). */
  fileLevel?: boolean;
  plan(ctx: C): GatePlan;
  /** Outputs in the order of the plan's steps. */
  evaluate(ctx: C, outputs: StepOutput[]): Evaluation;
}

/** The step for a tool that is found, or the plan that says why it cannot run. */
export function withTool(
  ctx: GateContext,
  name: string,
  build: (command: string[], version: string) => StepSpec | StepSpec[] | GatePlan,
): GatePlan {
  const probe = ctx.tools.get(name);
  if (probe === undefined) return { kind: "skip", reason: `${name} does not serve this project` };
  const { status } = probe;
  if (status.state === "missing") return { kind: "missing", tool: name, install: status.install };
  if (status.state === "broken") return { kind: "broken", tool: name, problem: status.problem };
  const built = build(toolCommand(status), status.version);
  if (Array.isArray(built)) return { kind: "steps", tool: name, steps: built };
  return "kind" in built ? built : { kind: "steps", tool: name, steps: [built] };
}

/** A step with the defaults every tool run shares. */
export function step(
  ctx: GateContext,
  fields: Pick<StepSpec, "key" | "tool" | "toolVersion" | "commands"> & Partial<StepSpec>,
): StepSpec {
  return {
    cwd: ctx.dir,
    workDir: ctx.outDir(fields.key),
    reports: [],
    timeoutMs: ctx.timeoutMs,
    modifies: false,
    ...fields,
  };
}

/** The plan of a gate that runs `tool` once, with `args` after the tool's own command. */
export function toolPlan(
  ctx: GateContext,
  tool: string,
  key: string,
  args: readonly string[],
  extra: Partial<StepSpec> = {},
): GatePlan {
  return withTool(ctx, tool, (command, version) =>
    step(ctx, { key, tool, toolVersion: version, commands: [{ argv: [...command, ...args] }], ...extra }),
  );
}

/**
 * toolPlan for a file-level gate: `args(paths)` with the files in scope (or
 * the project's entries), a skip when there is no `what` file to check.
 */
export function filesPlan(
  ctx: GateContext,
  scope: { extensions: readonly string[]; what: string },
  tool: string,
  key: string,
  args: (paths: string[]) => string[],
  extra: Partial<StepSpec> = {},
): GatePlan {
  const paths = targets(ctx, scope.extensions);
  return paths === null ? noFiles(scope.what) : toolPlan(ctx, tool, key, args(paths), extra);
}

/** The file a step's tool writes its report to. */
export function reportPath(ctx: GateContext, key: string, name: string): string {
  return join(ctx.outDir(key), name);
}

/** Dependency, cache and build folders a tool checking "the whole project" is not pointed at (the cache still hashes them). */
const NOT_CHECKED: ReadonlySet<string> = new Set([
  "node_modules",
  "venv",
  "__pycache__",
  "dist",
  "build",
  "coverage",
  "mutants",
  "reports",
]);

/**
 * The project's top-level folders and its top-level files with one of
 * `extensions`: what a tool checking "the whole project" is given, rather
 * than ".", so that it never walks into tollgate's own `.tollgate/` (or any
 * hidden, dependency or build folder) and reports tollgate's files as the project's.
 */
export function projectEntries(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) =>
      entry.isDirectory()
        ? !entry.name.startsWith(".") && !NOT_CHECKED.has(entry.name)
        : entry.isFile() && extensions.some((extension) => entry.name.endsWith(extension)),
    )
    .map((entry) => entry.name)
    .sort();
}

/**
 * The paths a file-level tool is given: the scoped files with one of
 * `extensions`, or (checking the whole project) `whole`, by default the
 * project's entries. Null when there is nothing to check.
 */
export function targets(
  ctx: GateContext,
  extensions: readonly string[],
  whole: string[] = projectEntries(ctx.dir, extensions),
): string[] | null {
  const paths =
    ctx.files === undefined
      ? whole
      : ctx.files.filter((file) => extensions.some((extension) => file.endsWith(extension)));
  return paths.length === 0 ? null : paths;
}

export const noFiles = (what: string): GatePlan => ({ kind: "skip", reason: `no ${what} files in scope` });

/** The step's output, when its tool ran to the end; otherwise a ParseError (the verdict error). */
export function finished(output: StepOutput | undefined): StepOutput {
  const done = output as StepOutput;
  assertFinished(done);
  return done;
}

/** The tool was stopped at its time budget (mutation testing): its score is partial. */
export function stoppedByBudget(output: StepOutput | undefined): boolean {
  return (output as StepOutput).commands.some((command) => command.timedOut);
}

/** The tool did not finish: the verdict is error, whatever it printed. */
export function assertFinished(output: StepOutput): void {
  for (const command of output.commands) {
    if (command.sandboxError)
      throw new ParseError(output.tool, `the sandbox could not run it: ${command.sandboxError}`);
    if (command.timedOut) throw new ParseError(output.tool, `timed out (\`${command.argv.join(" ")}\`)`);
    if (command.exitCode === null) throw new ParseError(output.tool, `was killed by a signal`);
  }
  if (output.commands.length === 0) throw new ParseError(output.tool, "did not run (its time budget was used up)");
}

/** A report the tool should have written. */
export function report(output: StepOutput, path: string): string {
  const text = output.reports[path];
  if (text === null || text === undefined) {
    const main = mainOutput(output);
    const said = `${main.stderr}\n${main.stdout}`.trim().split("\n").slice(-3).join(" | ");
    throw new ParseError(
      output.tool,
      `wrote no report at ${path} (exit ${main.exitCode})${said === "" ? "" : `: ${said}`}`,
    );
  }
  return text;
}

export const plural = (count: number, noun: string, nouns = `${noun}s`) => `${count} ${count === 1 ? noun : nouns}`;

/** Errors fail; warnings fail past `maxWarnings`. */
export function countedFindings(findings: Finding[], maxWarnings: number, what = "problem"): Evaluation {
  const errors = findings.filter((finding) => finding.severity === "error").length;
  const warnings = findings.filter((finding) => finding.severity === "warning").length;
  const failed = errors > 0 || warnings > maxWarnings;
  const parts = [plural(errors, "error"), plural(warnings, "warning")];
  const files = new Set(findings.map((finding) => finding.file).filter((file) => file !== undefined)).size;
  return {
    failed,
    summary:
      errors + warnings === 0
        ? `no ${what}s`
        : `${parts.join(", ")}${files > 0 ? ` in ${plural(files, "file")}` : ""}${
            !failed && warnings > 0 ? ` (up to ${maxWarnings} warnings allowed)` : ""
          }`,
    measurement: { value: errors, unit: "errors", threshold: 0, comparison: "<=" },
    findings,
  };
}

/** A percentage held against a minimum. */
export function atLeast(value: number, minimum: number, unit: string): { failed: boolean; measurement: Measurement } {
  return {
    failed: value < minimum,
    measurement: { value: round(value), unit, threshold: minimum, comparison: ">=" },
  };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
