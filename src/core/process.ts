import { spawn } from "node:child_process";
import { childEnv, withoutStripped } from "./env.ts";
import { EnvironmentError } from "./errors.ts";
import { createSha256 } from "./runtime.ts";

export interface RunOptions {
  cwd?: string;
  /** The child's whole environment; defaults to `childEnv()` (an allowlist, never process.env). */
  env?: Record<string, string>;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL when the timeout fires. */
  graceMs?: number;
  maxStdoutBytes?: number;
  maxStderrBytes?: number;
}

export interface CapturedStream {
  text: string;
  bytes: number;
  /** How many of the bytes `text` was decoded from (all of them unless truncated). */
  capturedBytes: number;
  truncated: boolean;
  /** SHA-256 of the whole stream, not only of the captured prefix. */
  sha256: string;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: CapturedStream;
  stderr: CapturedStream;
  durationMs: number;
}

export interface PipelineSegment {
  argv: readonly string[];
  /** Open descriptors the child inherits as fd 3, 4, ... (e.g. a status file). */
  extraFds?: readonly number[];
}

export interface PipelineResult {
  segments: { exitCode: number | null; signal: NodeJS.Signals | null }[];
  timedOut: boolean;
  /** stdout of the last segment. */
  stdout: CapturedStream;
  /** stderr of every segment, in the order it arrived. */
  stderr: CapturedStream;
  durationMs: number;
}

const DEFAULT_MAX_STDOUT = 10 * 1024 * 1024;
const DEFAULT_MAX_STDERR = 1024 * 1024;
/** How long output may still arrive after a child ended before its pipes are closed. */
const PIPE_DRAIN_MS = 250;

/** Process groups of running children, killed if tollgate itself is interrupted. */
const activeGroups = new Set<number>();

/**
 * Runs `argv` (never through a shell) in its own process group with stdin from
 * /dev/null, a timeout that kills the whole group (SIGTERM, grace, SIGKILL),
 * and capped capture of stdout and stderr.
 */
export async function runProcess(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const { segments, ...rest } = await runPipeline([{ argv }], options);
  const [only] = segments as [PipelineResult["segments"][number]];
  return { ...only, ...rest };
}

/**
 * Runs segments joined by pipes (stdout of each feeds stdin of the next; the
 * first reads /dev/null), each in its own process group, all under one
 * timeout that kills every group. Captures the last stdout and every stderr.
 * Pipes go through tollgate rather than straight between children: Bun cannot
 * hand one child's pipe to another.
 */
export function runPipeline(segments: readonly PipelineSegment[], options: RunOptions): Promise<PipelineResult> {
  if (segments.length === 0 || segments.some((segment) => segment.argv.length === 0)) {
    throw new TypeError("runPipeline needs segments with non-empty argv");
  }
  const started = performance.now();
  const env = withoutStripped(options.env ?? childEnv());
  const stderr = capture(options.maxStderrBytes ?? DEFAULT_MAX_STDERR);
  const children = segments.map(({ argv, extraFds = [] }, index) => {
    const [file, ...args] = argv as [string, ...string[]];
    return spawn(file, args, {
      cwd: options.cwd,
      env,
      stdio: [index === 0 ? "ignore" : "pipe", "pipe", "pipe", ...extraFds],
      detached: true,
      windowsHide: true,
    });
  });
  const pids = children.map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) activeGroups.add(pid);
  const stdout = capture(options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT);
  children.forEach((child, index) => {
    child.stderr?.on("data", stderr.add);
    const next = children[index + 1];
    if (next === undefined) child.stdout?.on("data", stdout.add);
    else if (child.stdout && next.stdin) {
      child.stdout.pipe(next.stdin);
      // The reader went away: close the writer's pipe so it gets SIGPIPE/EPIPE, as in a shell.
      const closeWriter = () => child.stdout?.destroy();
      next.stdin.on("error", closeWriter);
      next.stdin.once("close", closeWriter);
      next.once("exit", closeWriter);
    }
  });

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let failed = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const signalAll = (signal: NodeJS.Signals) => {
      for (const pid of pids) signalGroup(pid, signal);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signalAll("SIGTERM");
      killTimer = setTimeout(() => {
        signalAll("SIGKILL");
        // A process that left the group (setsid) may still hold a pipe open; stop waiting for it.
        setTimeout(() => {
          for (const child of children) for (const stream of child.stdio) stream?.destroy();
        }, PIPE_DRAIN_MS).unref();
      }, options.graceMs ?? 2000);
    }, options.timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      for (const pid of pids) activeGroups.delete(pid);
    };
    const results: PipelineResult["segments"] = segments.map(() => ({ exitCode: null, signal: null }));
    let open = children.length;
    children.forEach((child, index) => {
      const file = segments[index]?.argv[0];
      child.once("error", (error: NodeJS.ErrnoException) => {
        if (failed) return;
        failed = true;
        signalAll("SIGKILL");
        finish();
        if (error.code === "ENOENT" || error.code === "EACCES") {
          reject(
            new EnvironmentError(
              "EXECUTABLE_NOT_FOUND",
              `cannot run ${file}: ${error.code === "ENOENT" ? "not found" : "permission denied"}`,
            ),
          );
        } else reject(error);
      });
      // 'exit' fires when the child ends; a grandchild holding the pipes open
      // would delay 'close' forever, so the rest of the group goes first.
      child.once("exit", () => {
        signalGroup(child.pid, "SIGKILL");
        // The same for output pipes held by an escaped process after a normal exit.
        setTimeout(() => {
          child.stderr?.destroy();
          if (index === children.length - 1) child.stdout?.destroy();
        }, PIPE_DRAIN_MS).unref();
      });
      child.once("close", (exitCode, signal) => {
        results[index] = { exitCode, signal };
        open -= 1;
        if (open > 0 || failed) return;
        finish();
        resolve({
          segments: results,
          timedOut,
          stdout: stdout.result(),
          stderr: stderr.result(),
          durationMs: performance.now() - started,
        });
      });
    });
  });
}

/** Kills the process groups of every child still running (on interrupt). */
export function killActiveChildren(): void {
  for (const pid of activeGroups) signalGroup(pid, "SIGKILL");
  activeGroups.clear();
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function capture(maxBytes: number) {
  const chunks: Uint8Array[] = [];
  const hash = createSha256();
  let kept = 0;
  let total = 0;
  return {
    add: (chunk: Uint8Array): void => {
      hash.update(chunk);
      total += chunk.length;
      if (kept < maxBytes) {
        const part = chunk.length <= maxBytes - kept ? chunk : chunk.subarray(0, maxBytes - kept);
        chunks.push(part);
        kept += part.length;
      }
    },
    result: (): CapturedStream => ({
      text: new TextDecoder().decode(Buffer.concat(chunks)),
      bytes: total,
      capturedBytes: kept,
      truncated: total > kept,
      sha256: hash.digest("hex"),
    }),
  };
}
