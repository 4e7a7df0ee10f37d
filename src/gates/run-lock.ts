/**
 * One gate run at a time per project: two runs (a pre-commit hook and an
 * editor's post-edit, say) would write the same report files and could read
 * each other's. The lock is a file holding the owner's pid, created with
 * O_EXCL; a lock whose owner is gone (killed, crashed) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError, ensurePrivateDir } from "../core/index.ts";

export interface LockOptions {
  /** How long to wait for another run before giving up. */
  waitMs: number;
  /** Called once when the lock is held by another run, with its pid. */
  onWait?: (pid: number) => void;
  pollMs?: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function tryLock(path: string): number | undefined {
  try {
    const fd = openSync(path, "wx", 0o600);
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const owner = Number.parseInt(readFileSync(path, "utf8"), 10);
  if (Number.isInteger(owner) && owner > 0 && alive(owner)) return owner;
  // The owner is gone: its lock is stale.
  rmSync(path, { force: true });
  return tryLock(path);
}

export async function withRunLock<T>(dir: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  ensurePrivateDir(dir);
  const path = join(dir, "run.lock");
  const deadline = Date.now() + options.waitMs;
  let told = false;
  for (let owner = tryLock(path); owner !== undefined; owner = tryLock(path)) {
    if (!told) options.onWait?.(owner);
    told = true;
    if (Date.now() >= deadline) {
      throw new EnvironmentError(
        "GATES_BUSY",
        `another tollgate run (pid ${owner}) is still running this project's gates after ${Math.round(options.waitMs / 1000)} s; wait for it, or stop it`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}
