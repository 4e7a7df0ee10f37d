import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { childEnv, withoutStripped } from "./env.ts";
import { EnvironmentError } from "./errors.ts";

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

const DEFAULT_MAX_STDOUT = 10 * 1024 * 1024;
const DEFAULT_MAX_STDERR = 1024 * 1024;

/** Process groups of running children, killed if tollgate itself is interrupted. */
const activeGroups = new Set<number>();

/**
 * Runs `argv` (never through a shell) in its own process group with stdin from
 * /dev/null, a timeout that kills the whole group (SIGTERM, grace, SIGKILL),
 * and capped capture of stdout and stderr.
 */
export function runProcess(argv: readonly string[], options: RunOptions): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) throw new TypeError("runProcess needs a non-empty argv");
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: withoutStripped(options.env ?? childEnv()),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
    windowsHide: true,
  });
  const stdout = capture(child.stdout, options.maxStdoutBytes ?? DEFAULT_MAX_STDOUT);
  const stderr = capture(child.stderr, options.maxStderrBytes ?? DEFAULT_MAX_STDERR);

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    const pid = child.pid;
    if (pid !== undefined) activeGroups.add(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(pid, "SIGKILL"), options.graceMs ?? 2000);
    }, options.timeoutMs);

    const finish = () => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      if (pid !== undefined) activeGroups.delete(pid);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
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
    child.once("exit", () => signalGroup(pid, "SIGKILL"));
    child.once("close", (exitCode, signal) => {
      finish();
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: stdout.result(),
        stderr: stderr.result(),
        durationMs: performance.now() - started,
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

function capture(stream: NodeJS.ReadableStream, maxBytes: number) {
  const chunks: Uint8Array[] = [];
  const hash = createHash("sha256");
  let kept = 0;
  let total = 0;
  stream.on("data", (chunk: Uint8Array) => {
    hash.update(chunk);
    total += chunk.length;
    if (kept < maxBytes) {
      const part = chunk.length <= maxBytes - kept ? chunk : chunk.subarray(0, maxBytes - kept);
      chunks.push(part);
      kept += part.length;
    }
  });
  return {
    result: (): CapturedStream => ({
      text: new TextDecoder().decode(Buffer.concat(chunks)),
      bytes: total,
      truncated: total > kept,
      sha256: hash.digest("hex"),
    }),
  };
}
