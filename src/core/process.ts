import { childEnv, withoutStripped } from "./env.ts";
import { EnvironmentError } from "./errors.ts";
import { createSha256 } from "./runtime.ts";
import { type SpawnedChild, spawnChild } from "./runtime-spawn.ts";

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
 */
export function runPipeline(segments: readonly PipelineSegment[], options: RunOptions): Promise<PipelineResult> {
  if (segments.length === 0 || segments.some((segment) => segment.argv.length === 0)) {
    throw new TypeError("runPipeline needs segments with non-empty argv");
  }
  const started = performance.now();
  const env = withoutStripped(options.env ?? childEnv());
  const stdout = capture(options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT);
  const stderr = capture(options.maxStderrBytes ?? DEFAULT_MAX_STDERR);
  const children: SpawnedChild[] = [];
  for (const { argv, extraFds = [] } of segments) {
    const stdin = children.at(-1) ?? "ignore";
    children.push(spawnChild({ argv, cwd: options.cwd, env, stdin, extraFds }));
  }
  const pids = children.map((child) => child.pid).filter((pid): pid is number => pid !== undefined);
  for (const pid of pids) activeGroups.add(pid);
  const signalAll = (signal: NodeJS.Signals) => {
    for (const pid of pids) signalGroup(pid, signal);
  };
  // Every stderr, and the last stdout; the others feed the next segment.
  const readers = children.map((child, index) => [
    drain(child.stderr, stderr.add),
    ...(index === children.length - 1 ? [drain(child.stdout, stdout.add)] : []),
  ]);
  const stopReading = (index: number) => {
    for (const reader of readers[index] ?? []) reader.stop();
  };
  const stopReadingAll = () => {
    for (const index of children.keys()) stopReading(index);
  };

  let timedOut = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    signalAll("SIGTERM");
    killTimer = setTimeout(() => {
      signalAll("SIGKILL");
      // A process that left the group (setsid) may still hold a pipe open; stop waiting for it.
      setTimeout(stopReadingAll, PIPE_DRAIN_MS).unref();
    }, options.graceMs ?? 2000);
  }, options.timeoutMs);
  const finish = () => {
    clearTimeout(timer);
    clearTimeout(killTimer);
    for (const pid of pids) activeGroups.delete(pid);
  };

  const ended = children.map(async (child, index) => {
    const status = await child.exited;
    // A grandchild holding the pipes open would keep the output open forever, so the rest of the group goes first.
    signalGroup(child.pid, "SIGKILL");
    // The same for output pipes held by an escaped process after a normal exit.
    setTimeout(() => stopReading(index), PIPE_DRAIN_MS).unref();
    await Promise.all((readers[index] ?? []).map((reader) => reader.done));
    return status;
  });
  return Promise.all(ended).then(
    (results) => {
      finish();
      return {
        segments: results,
        timedOut,
        stdout: stdout.result(),
        stderr: stderr.result(),
        durationMs: performance.now() - started,
      };
    },
    (error: NodeJS.ErrnoException) => {
      signalAll("SIGKILL");
      finish();
      stopReadingAll();
      const file = segments[children.findIndex((child) => child.pid === undefined)]?.argv[0];
      if (error.code === "ENOENT" || error.code === "EACCES") {
        throw new EnvironmentError(
          "EXECUTABLE_NOT_FOUND",
          `cannot run ${file ?? error.path}: ${error.code === "ENOENT" ? "not found" : "permission denied"}`,
        );
      }
      throw error;
    },
  );
}

/** Reads `stream` to its end into `add`; `stop` gives up on the rest. */
function drain(stream: ReadableStream<Uint8Array>, add: (chunk: Uint8Array) => void) {
  const reader = stream.getReader();
  const done = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) return;
        add(value);
      }
    } catch {
      // stopped, or the pipe broke: what arrived is kept
    }
  })();
  return { done, stop: () => void reader.cancel().catch(() => undefined) };
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
