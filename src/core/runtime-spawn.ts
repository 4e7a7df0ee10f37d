/**
 * The process seam: one child in a process group of its own (setsid), its
 * stdout and stderr as byte streams. `Bun.spawn` under Bun: node:child_process
 * there builds Node streams for every pipe, which costs a compiled executable
 * milliseconds per command. node:child_process elsewhere (Deno, Node).
 */

export interface ChildSpec {
  argv: readonly string[];
  cwd?: string | undefined;
  env: Record<string, string>;
  /** /dev/null, or the stdout of an earlier child (which then only this child reads). */
  stdin: "ignore" | SpawnedChild;
  /** Open descriptors the child inherits as fd 3, 4, ... */
  extraFds: readonly number[];
}

interface ExitStatus {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedChild {
  pid: number | undefined;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  /** Settles when the child has exited; rejects when it could not start (the error's `code` says why, e.g. ENOENT). */
  exited: Promise<ExitStatus>;
}

interface BunSubprocess {
  pid: number;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: NodeJS.Signals | number | null;
}

interface BunGlobal {
  spawn(
    argv: string[],
    options: { cwd?: string | undefined; env: Record<string, string>; stdio: unknown[]; detached: boolean },
  ): BunSubprocess;
}

const bun = (globalThis as unknown as { Bun?: BunGlobal }).Bun;

export function spawnChild(spec: ChildSpec): SpawnedChild {
  return bun ? spawnWithBun(bun, spec) : spawnWithNode(spec);
}

function spawnWithBun(bun: BunGlobal, spec: ChildSpec): SpawnedChild {
  let child: BunSubprocess;
  try {
    child = bun.spawn([...spec.argv], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: [spec.stdin === "ignore" ? "ignore" : spec.stdin.stdout, "pipe", "pipe", ...spec.extraFds],
      detached: true,
    });
  } catch (error) {
    // Bun refuses a missing or non-executable file at once; the Node API reports it later.
    const empty = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
    return { pid: undefined, stdout: empty(), stderr: empty(), exited: Promise.reject(error) };
  }
  return {
    pid: child.pid,
    stdout: child.stdout,
    stderr: child.stderr,
    exited: child.exited.then(() => ({
      exitCode: child.exitCode,
      signal: typeof child.signalCode === "string" ? child.signalCode : null,
    })),
  };
}

function spawnWithNode(spec: ChildSpec): SpawnedChild {
  const { spawn } = process.getBuiltinModule("node:child_process");
  const { Readable } = process.getBuiltinModule("node:stream");
  const [file, ...args] = spec.argv as [string, ...string[]];
  const child = spawn(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: [spec.stdin === "ignore" ? "ignore" : "pipe", "pipe", "pipe", ...spec.extraFds],
    detached: true,
    windowsHide: true,
  });
  if (spec.stdin !== "ignore" && child.stdin) {
    const upstream = Readable.fromWeb(
      spec.stdin.stdout as unknown as import("node:stream/web").ReadableStream<Uint8Array>,
    );
    upstream.pipe(child.stdin);
    // The reader went away: close the writer's pipe so it gets SIGPIPE/EPIPE, as in a shell.
    const closeWriter = () => upstream.destroy();
    child.stdin.on("error", closeWriter);
    child.stdin.once("close", closeWriter);
    child.once("exit", closeWriter);
  }
  const web = (stream: typeof child.stdout) =>
    Readable.toWeb(stream as NonNullable<typeof stream>) as unknown as ReadableStream<Uint8Array>;
  return {
    pid: child.pid,
    stdout: web(child.stdout),
    stderr: web(child.stderr),
    exited: new Promise((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (exitCode, signal) => resolve({ exitCode, signal }));
    }),
  };
}
