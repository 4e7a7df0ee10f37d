import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { canonicalJson, type PipelineResult, sha256Hex, TollgateError } from "../core/index.ts";
import { launchHardened, prepareWritePaths, realHost, tollgateFolders } from "./bwrap.ts";
import { bwrapArgs, SandboxError } from "./bwrap-args.ts";
import { launchLocal } from "./local.ts";
import type { CommandOutcome, CommandPlan, ExecutedFile, ExecutionMode, ExecutionOutcome } from "./plan.ts";
import { explainProbeFailure, findTool, hardenedPreflight } from "./preflight.ts";

export interface ExecuteOptions {
  mode: ExecutionMode;
  /** Time between SIGTERM and SIGKILL when a timeout fires. */
  graceMs?: number;
  /** tollgate's own folders hidden in hardened mode; defaults to `tollgateFolders(plan)` (keys, config, `.tollgate` state). */
  hidden?: readonly string[];
  now?: () => Date;
}

/**
 * Runs the commands in order and stops at the first that does not succeed (a
 * non-zero exit, a timeout, a sandbox that could not start). Hardened mode runs
 * each segment under bubblewrap and fails closed when bubblewrap cannot work.
 */
export async function execute(plans: readonly CommandPlan[], options: ExecuteOptions): Promise<ExecutionOutcome> {
  const now = options.now ?? (() => new Date());
  const refuse = (plan: CommandPlan, error: unknown, startedAt: Date): CommandOutcome => {
    if (!(error instanceof TollgateError)) throw error;
    return sandboxErrorOutcome(plan, redactor(plan)(error.message), startedAt, now());
  };
  const tools = await findTools(options.mode);
  // Every command is checked before the first runs: a sandbox that cannot be built blocks the whole run.
  for (const plan of plans) {
    const startedAt = now();
    try {
      if (typeof tools === "string") throw new SandboxError(tools);
      checkBeforeLaunch(plan, options, tools);
    } catch (error) {
      const commands = [refuse(plan, error, startedAt)];
      return { mode: options.mode, sandboxProfileSha256: sha256Hex(canonicalJson([])), commands };
    }
  }
  const profile: unknown[] = [];
  const commands: CommandOutcome[] = [];
  for (const plan of plans) {
    const startedAt = now();
    let outcome: CommandOutcome;
    try {
      const run = await runCommand(plan, options, tools as Tools);
      profile.push({ id: plan.id, argv: run.args.map((argv) => argv.map(redactor(plan))) });
      outcome = { ...run.outcome, id: plan.id, startedAt: startedAt.toISOString(), endedAt: now().toISOString() };
    } catch (error) {
      outcome = refuse(plan, error, startedAt);
    }
    commands.push(outcome);
    if (outcome.status !== "success") break;
  }
  return { mode: options.mode, sandboxProfileSha256: sha256Hex(canonicalJson(profile)), commands };
}

interface Tools {
  bwrap?: string;
  prlimit: string;
}

/** The launcher's tools, or why the mode cannot run here (cheap checks; a failing launch fails closed too). */
async function findTools(mode: ExecutionMode): Promise<Tools | string> {
  if (mode === "hardened") {
    const preflight = await hardenedPreflight({ probe: false });
    return preflight.ok ? preflight : `hardened mode is unavailable: ${preflight.reason}. Fix: ${preflight.fix}`;
  }
  const prlimit = findTool("prlimit");
  return prlimit ? { prlimit } : "prlimit is not installed, so limits cannot be applied (apt-get install util-linux)";
}

/** Replaces the plan's secret values wherever tollgate's own text could carry them. */
function redactor(plan: CommandPlan): (text: string) => string {
  const secrets = plan.secretNames.map((name) => plan.env[name]).filter((value): value is string => !!value);
  return (text) => secrets.reduce((out, secret) => out.replaceAll(secret, "<secret>"), text);
}

type RunOutcome = Omit<CommandOutcome, "id" | "startedAt" | "endedAt">;

/** What can be known before launch: the plan is well-formed and, in hardened mode, its mounts can be built. */
function checkBeforeLaunch(plan: CommandPlan, options: ExecuteOptions, tools: Tools): void {
  validatePlan(plan);
  if (options.mode !== "hardened") return;
  const hidden = options.hidden ?? tollgateFolders(plan);
  prepareWritePaths(plan, hidden);
  const placeholders = Object.fromEntries(plan.segments.map((argv) => [argv[0] as string, argv[0] as string]));
  bwrapArgs(plan, realHost(tools.prlimit, placeholders, hidden));
}

async function runCommand(
  plan: CommandPlan,
  options: ExecuteOptions,
  tools: Tools,
): Promise<{ args: string[][]; outcome: RunOutcome }> {
  if (options.mode === "local" || tools.bwrap === undefined) {
    const executables = plan.segments.map((argv) => hashExecutable(argv[0] as string).file);
    const launch = launchLocal(plan, tools.prlimit, options.graceMs);
    const pipeline = await launch.run();
    return {
      args: launch.args,
      outcome: pipelineOutcome(
        pipeline,
        executables,
        pipeline.segments.map((segment) => segment.exitCode),
      ),
    };
  }
  const stagingDir = mkdtempSync(join(tmpdir(), "tollgate-run-"));
  try {
    // Hash-then-run without a gap: the hashed bytes are copied into a private
    // folder and that copy is what gets mounted over the executable's path.
    const staged: Record<string, string> = {};
    const executables = plan.segments.map((argv) => {
      const { file, bytes } = hashExecutable(argv[0] as string);
      const copy = join(stagingDir, file.sha256);
      if (!existsSync(copy)) writeFileSync(copy, bytes, { mode: 0o500 });
      staged[argv[0] as string] = copy;
      return file;
    });
    const launch = launchHardened(
      plan,
      tools.bwrap,
      realHost(tools.prlimit, staged, options.hidden ?? tollgateFolders(plan)),
      stagingDir,
      options.graceMs,
    );
    const args = launch.args.map((argv) => [
      tools.bwrap as string,
      ...argv.map((arg) => arg.replaceAll(stagingDir, "<staged>")),
    ]);
    const { pipeline, exitCodes } = await launch.run();
    const neverStarted = exitCodes.some((code) => code === undefined);
    if (neverStarted && !pipeline.timedOut) {
      return {
        args,
        outcome: {
          // The segments' exit codes are then bwrap's own: the command never started.
          ...pipelineOutcome(
            pipeline,
            executables,
            pipeline.segments.map((segment) => segment.exitCode),
          ),
          status: "sandbox_error",
          exitCode: null,
          sandboxError: bwrapMessage(pipeline.stderr.text),
        },
      };
    }
    return {
      args,
      outcome: pipelineOutcome(
        pipeline,
        executables,
        exitCodes.map((code) => code ?? null),
      ),
    };
  } finally {
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

function pipelineOutcome(
  pipeline: PipelineResult,
  executables: ExecutedFile[],
  exitCodes: (number | null | undefined)[],
): RunOutcome {
  const segments = executables.map((executable, index) => ({
    executable,
    exitCode: exitCodes[index] ?? null,
    signal: pipeline.segments[index]?.signal ?? null,
  }));
  const failedExit = segments.find((segment) => segment.exitCode !== 0 && segment.exitCode !== null)?.exitCode;
  const failed = segments.some((segment) => segment.exitCode !== 0);
  return {
    status: pipeline.timedOut ? "timed_out" : failed ? "failed" : "success",
    exitCode: failedExit ?? (failed ? null : 0),
    segments,
    stdout: pipeline.stdout,
    stderr: pipeline.stderr,
    durationMs: Math.round(pipeline.durationMs),
  };
}

const EMPTY_STREAM = { text: "", bytes: 0, capturedBytes: 0, truncated: false, sha256: sha256Hex("") };

function sandboxErrorOutcome(plan: CommandPlan, message: string, startedAt: Date, endedAt: Date): CommandOutcome {
  return {
    id: plan.id,
    status: "sandbox_error",
    exitCode: null,
    segments: [],
    stdout: EMPTY_STREAM,
    stderr: EMPTY_STREAM,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationMs: endedAt.getTime() - startedAt.getTime(),
    sandboxError: message,
  };
}

/** bwrap's own complaint ("bwrap: Can't find source path ..."), with the host-level cause and fix when it is one. */
function bwrapMessage(stderr: string): string {
  const said = stderr
    .split("\n")
    .filter((line) => line.startsWith("bwrap: "))
    .join("; ")
    .slice(0, 2000);
  if (/namespace|uid map/i.test(said)) {
    const { reason, fix } = explainProbeFailure(said, false);
    return `the sandbox could not start: ${reason}. Fix: ${fix}`;
  }
  return `the sandbox could not start: ${said || "bwrap exited before the command ran"}`;
}

/** Refused before anything is launched: what no sandbox can pass on faithfully. */
function validatePlan(plan: CommandPlan): void {
  const strings = [
    ...plan.segments.flat(),
    plan.cwd,
    ...plan.readPaths,
    ...plan.writePaths,
    ...Object.entries(plan.env).flat(),
  ];
  if (strings.some((value) => value.includes("\0"))) {
    throw new SandboxError("refused before launch: an argument, path or variable contains a NUL byte");
  }
  if (plan.segments.length === 0 || plan.segments.some((argv) => argv.length === 0)) {
    throw new SandboxError("refused before launch: a command has no argv");
  }
  for (const argv of plan.segments) {
    if (!isAbsolute(argv[0] as string))
      throw new SandboxError(`refused before launch: ${argv[0]} is not an absolute path`);
  }
  if (!existsSync(plan.cwd) || !statSync(plan.cwd).isDirectory()) {
    throw new SandboxError(`refused before launch: cwd ${plan.cwd} is not an existing folder`);
  }
  const badName = Object.keys(plan.env).find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  if (badName !== undefined)
    throw new SandboxError(`refused before launch: ${JSON.stringify(badName)} is not a valid variable name`);
}

/**
 * The executable's real path and the SHA-256 of its bytes, read right before
 * it runs. Hardened mode runs exactly these bytes (a private copy); local mode
 * runs the file itself, which someone else could replace between the read and
 * the exec.
 */
function hashExecutable(path: string): { file: ExecutedFile; bytes: Uint8Array } {
  let real: string;
  let bytes: Uint8Array;
  try {
    real = realpathSync(path);
    bytes = readFileSync(real);
  } catch {
    throw new SandboxError(`executable ${path} does not exist or cannot be read`);
  }
  return { file: { path: real, sha256: sha256Hex(bytes) }, bytes };
}
