/**
 * Runs a stage: plans every gate of every detected project, runs the fixers
 * one at a time, then every other step in parallel (each step once, however
 * many gates read it; unchanged steps from the cache), and reads a verdict
 * for every gate from the steps' output.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { buildInfo, isTollgateError, sha256Hex, userCacheDir, writeStderr } from "../core/index.ts";
import { type InputHasher, inputHasher, type StepCache, stepCache, stepCacheKey } from "./cache.ts";
import { type GatesConfig, gateWanted } from "./config.ts";
import type { CustomGate } from "./config-schema.ts";
import type { Detection, Project } from "./detect.ts";
import type { Finding } from "./findings.ts";
import type { Evaluation, GateContext, GateDefinition, GatePlan, ProjectContext } from "./gate-defs.ts";
import { JS_GATES } from "./gates-js.ts";
import { PYTHON_GATES } from "./gates-python.ts";
import { customGate, SHARED_GATES } from "./gates-shared.ts";
import type { ToolProbe } from "./probe.ts";
import type { GateResult, Stage, StageReport, Verdict } from "./result.ts";
import { withRunLock } from "./run-lock.ts";
import type { StageSpec } from "./stages.ts";
import { outputTail, runStep, type StepExecutor, type StepOutput, type StepSpec } from "./steps.ts";

const MAX_FINDINGS = 200;
const STEP_TIMEOUT_MS = 15 * 60 * 1000;

export interface RunInput {
  stage: Stage;
  spec: StageSpec;
  root: string;
  detection: Detection;
  config: GatesConfig;
  probes: readonly ToolProbe[];
  /** The project's custom gates that run in this stage (or the one `tollgate gate NAME` names). */
  customGates: readonly CustomGate[];
  /** Files (relative to the root) file-level gates are limited to; undefined: every file. */
  files?: readonly string[];
  /** Files tollgate writes under the root after the run (--sarif, --junit): never inputs of the cache key. */
  outputs?: readonly string[];
  useCache: boolean;
  /** Runs a step; the sandbox executor or a test's fake in place of the direct runner. */
  execute?: StepExecutor;
  /** When the run began (the caller's config loading, detection and probes count too); now by default. */
  startedAt?: Date;
  /** Steps run at once; the machine's parallelism by default. */
  concurrency?: number;
  /** Called when the fixers are done, before the other gates run (pre-commit re-stages here). */
  afterFixers?: () => Promise<void>;
}

interface Task {
  id: string;
  gate: string;
  project?: Project;
  blocking: boolean;
  definition: GateDefinition<GateContext>;
  ctx: GateContext;
  plan: GatePlan;
  cacheOnly: boolean;
  fixer: boolean;
}

const definitionsFor = (project: Project): readonly GateDefinition[] => [
  ...(project.toolchain === "python" ? PYTHON_GATES : JS_GATES),
  ...SHARED_GATES,
];

/**
 * Where a project's tool reports and step cache live: the user's cache
 * folder, not the project, so that no tool finds tollgate's files among the
 * project's own (a formatter checking them, knip calling them unused).
 */
function workDir(root: string, env: Record<string, string | undefined> = process.env): string {
  return join(userCacheDir(env), "gates", sha256Hex(root).slice(0, 16));
}

function slug(project: Project): string {
  return `${project.toolchain}-${project.dir === "." ? "root" : project.dir.replace(/[^A-Za-z0-9._-]+/g, "_")}`;
}

function taskId(gate: string, project: Project | undefined, several: boolean): string {
  if (!several || project === undefined) return gate;
  return `${gate} (${project.toolchain}${project.dir === "." ? "" : `: ${project.dir}`})`;
}

/** The project-relative files of `files` (root-relative) that lie in `project`. */
function filesIn(files: readonly string[] | undefined, project: Project): string[] | undefined {
  if (files === undefined) return undefined;
  if (project.dir === ".") return [...files];
  const prefix = `${project.dir}/`;
  return files.filter((file) => file.startsWith(prefix)).map((file) => file.slice(prefix.length));
}

function planTasks(input: RunInput): Task[] {
  const { spec, config, root } = input;
  const fixers = spec.fixers.filter((gate) => gateWanted(config, gate));
  const gates = spec.gates.filter((gate) => gateWanted(config, gate));
  const projects = input.detection.projects;
  const several = projects.length > 1;
  const runDir = join(workDir(root), "run");
  const tasks: Task[] = [];
  for (const project of projects) {
    const tools = new Map(
      input.probes.filter((probe) => probe.project === project).map((probe) => [probe.tool, probe]),
    );
    const coverageWanted = gates.includes("coverage") || gates.includes("crap");
    const coverageTool = project.toolchain === "python" ? tools.get("coverage")?.status.state === "found" : true;
    const ctx: ProjectContext = {
      root,
      project,
      dir: project.dir === "." ? root : join(root, project.dir),
      config,
      stage: input.stage,
      tools,
      outDir: (key) => join(runDir, slug(project), key),
      coverage: coverageWanted && coverageTool,
      write: spec.write,
      timeoutMs: STEP_TIMEOUT_MS,
    };
    const files = filesIn(input.files, project);
    for (const gate of [...fixers, ...gates]) {
      const definition = definitionsFor(project).find((item) => item.gate === gate);
      if (definition === undefined) continue;
      const scoped: ProjectContext = definition.fileLevel && files !== undefined ? { ...ctx, files } : ctx;
      tasks.push({
        id: taskId(gate, project, several),
        gate,
        project,
        blocking: config.gates[gate].blocking && !spec.advisory.includes(gate),
        definition: definition as unknown as GateDefinition<GateContext>,
        ctx: scoped,
        plan: definition.plan(scoped),
        cacheOnly: spec.cacheOnly.includes(gate),
        fixer: fixers.includes(gate),
      });
    }
  }
  for (const custom of input.customGates) {
    const definition = customGate(custom);
    const ctx: GateContext = {
      root,
      dir: root,
      config,
      stage: input.stage,
      tools: new Map(),
      outDir: (key) => join(runDir, "custom", key),
      coverage: false,
      write: false,
      timeoutMs: STEP_TIMEOUT_MS,
    };
    tasks.push({
      id: custom.name,
      gate: custom.name,
      blocking: custom.blocking,
      definition,
      ctx,
      plan: definition.plan(ctx),
      cacheOnly: false,
      fixer: false,
    });
  }
  return tasks;
}

/** At most `limit` steps at once. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(work: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

interface StepRunner {
  /** The step's output, run once per project and key, from the cache when its inputs are unchanged. */
  run(spec: StepSpec, cacheOnly: boolean): Promise<StepOutput | undefined>;
}

function stepRunner(input: RunInput, hasher: () => InputHasher, cache: StepCache): StepRunner {
  const execute = input.execute ?? runStep;
  const limit = limiter(Math.max(1, input.concurrency ?? availableParallelism()));
  const started = new Map<string, Promise<StepOutput | undefined>>();
  const configKey = { ...input.config, skip: [], only: [] };
  // One digest over the whole root for every step: a tool reads beyond its own folder (a sibling package, a venv).
  const keyOf = (spec: StepSpec) => {
    const inputs = hasher().digest();
    return inputs === undefined
      ? undefined
      : stepCacheKey(spec, { tollgateVersion: buildInfo().version, config: configKey, inputs });
  };
  return {
    run(spec, cacheOnly) {
      // Two projects in one folder (a polyglot root) have steps with the same key: the commands tell them apart.
      const id = `${spec.cwd}\0${JSON.stringify(spec.commands)}`;
      const existing = started.get(id);
      if (existing) return existing;
      const made = (async () => {
        if (spec.modifies) return limit(() => execute(spec));
        const cacheable = input.useCache || cacheOnly;
        const key = cacheable ? keyOf(spec) : undefined;
        const hit = key === undefined ? undefined : cache.get(key);
        if (hit || cacheOnly) return hit;
        const output = await limit(() => execute(spec));
        if (key !== undefined && input.useCache) cache.put(key, output);
        return output;
      })();
      started.set(id, made);
      return made;
    },
  };
}

/** Paths in findings as the report reads them: relative to the root, not to the project folder. */
function rootRelative(findings: Finding[], project: Project | undefined): Finding[] {
  if (project === undefined || project.dir === ".") return findings;
  return findings.map((finding) =>
    finding.file === undefined || finding.file.startsWith("/")
      ? finding
      : { ...finding, file: `${project.dir}/${finding.file}` },
  );
}

function verdictOf(evaluation: Evaluation, blocking: boolean): Verdict {
  if (!evaluation.failed) return "pass";
  return blocking ? "fail" : "warn";
}

async function runTask(task: Task, steps: StepRunner): Promise<GateResult> {
  const base = {
    id: task.id,
    gate: task.gate,
    ...(task.project ? { project: task.project.dir, toolchain: task.project.toolchain } : {}),
    blocking: task.blocking,
    findings: [],
    findingsTotal: 0,
    cached: false,
  };
  const { plan } = task;
  if (plan.kind === "skip") return { ...base, verdict: "skip", summary: plan.reason, durationMs: 0 };
  if (plan.kind === "missing") {
    return {
      ...base,
      tool: plan.tool,
      verdict: "missing",
      summary: `${plan.tool} is not installed`,
      install: plan.install,
      durationMs: 0,
    };
  }
  if (plan.kind === "broken") {
    return { ...base, tool: plan.tool, verdict: "error", summary: `${plan.tool}: ${plan.problem}`, durationMs: 0 };
  }
  const started = Date.now();
  const outputs = await Promise.all(plan.steps.map((spec) => steps.run(spec, task.cacheOnly)));
  const main = plan.steps[0] as StepSpec;
  const tool = { tool: main.tool, toolVersion: main.toolVersion };
  if (outputs.some((output) => output === undefined)) {
    return {
      ...base,
      ...tool,
      verdict: "skip",
      summary: "no current measurement for these files: `tollgate ci` or `tollgate gate crap` measures it",
      durationMs: 0,
    };
  }
  const done = outputs as StepOutput[];
  const cached = done.every((output) => output.cached);
  const measured = {
    ...base,
    ...tool,
    command: main.commands[0]?.argv ?? [],
    exitCode: done[0]?.commands[0]?.exitCode ?? null,
    durationMs: cached ? 0 : Date.now() - started,
    cached,
    output: done.map(outputTail).join("\n").trim(),
  };
  try {
    const evaluation = task.definition.evaluate(task.ctx, done);
    const findings = rootRelative(evaluation.findings, task.project);
    return {
      ...measured,
      verdict: verdictOf(evaluation, task.blocking),
      summary: evaluation.summary,
      ...(evaluation.measurement ? { measurement: evaluation.measurement } : {}),
      findings: findings.slice(0, MAX_FINDINGS),
      findingsTotal: findings.length,
    };
  } catch (error) {
    if (!isTollgateError(error)) throw error;
    return { ...measured, verdict: "error", summary: error.message };
  }
}

/** What tollgate's own steps and reports write (stryker's report, mutmut's mutants/, --sarif): not inputs. */
function writtenByTollgate(tasks: readonly Task[], outputs: readonly string[]): string[] {
  const steps = tasks.flatMap((task) => (task.plan.kind === "steps" ? task.plan.steps : []));
  return [
    ...outputs,
    ...steps.flatMap((spec) => [...spec.reports, ...(spec.reportTrees ?? []).map((tree) => tree.dir)]),
  ];
}

/** Whether a gate result fails the stage. */
function failsStage(result: GateResult, spec: StageSpec): boolean {
  if (spec.alwaysPasses || !result.blocking) return false;
  if (result.verdict === "missing") return spec.missingFails;
  return result.verdict === "fail" || result.verdict === "error";
}

export function runStage(input: RunInput): Promise<StageReport> {
  const lock = {
    waitMs: STEP_TIMEOUT_MS,
    onWait: (pid: number) => writeStderr(`tollgate: waiting for another run of this project's gates (pid ${pid})\n`),
  };
  return withRunLock(workDir(input.root), lock, () => runLocked(input));
}

async function runLocked(input: RunInput): Promise<StageReport> {
  const startedAt = input.startedAt ?? new Date();
  const tasks = planTasks(input);
  const stateDir = workDir(input.root);
  let known: InputHasher | undefined;
  const hasher = () => {
    known ??= inputHasher(input.root, stateDir, { exclude: writtenByTollgate(tasks, input.outputs ?? []) });
    return known;
  };
  const steps = stepRunner(input, hasher, stepCache(stateDir));
  const results: GateResult[] = [];
  for (const task of tasks.filter((item) => item.fixer)) results.push(await runTask(task, steps));
  if (input.afterFixers) await input.afterFixers();
  results.push(...(await Promise.all(tasks.filter((item) => !item.fixer).map((task) => runTask(task, steps)))));
  if (input.useCache) hasher().save();
  return {
    schemaVersion: 1,
    stage: input.stage,
    root: input.root,
    tollgateVersion: buildInfo().version,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    verdict: results.some((result) => failsStage(result, input.spec)) ? "fail" : "pass",
    config: { preset: input.config.preset },
    gates: results,
  };
}
