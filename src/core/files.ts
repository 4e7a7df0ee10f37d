import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomHex } from "./canonical.ts";
import { UserError } from "./errors.ts";

export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Temp files of writes in flight, removed if the process is interrupted. */
const pendingTempFiles = new Set<string>();

/** Creates `dir` (and parents) as 0700, and tightens it if it already exists. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== "win32" && (statSync(dir).mode & 0o077) !== 0) {
    chmodSync(dir, PRIVATE_DIR_MODE);
  }
}

export interface AtomicWriteOptions {
  /** File mode; defaults to 0600 (private). */
  mode?: number;
}

/**
 * Writes `data` to `path` so that readers see the old content or the new
 * content, never a mix: temp file in the same folder, fsync, rename.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.tmp`);
  pendingTempFiles.add(temp);
  try {
    const fd = openSync(temp, "wx", mode);
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    removeQuietly(temp);
    throw error;
  } finally {
    pendingTempFiles.delete(temp);
  }
}

/** Removes the temp files of interrupted writes; called on SIGINT/SIGTERM. */
export function removePendingTempFiles(): void {
  for (const temp of pendingTempFiles) removeQuietly(temp);
  pendingTempFiles.clear();
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * Reads a user-supplied file, checking its size before reading it whole.
 * Missing, unreadable or oversized files are user errors that name the file.
 */
export function readFileCapped(path: string, maxBytes: number, what = "file"): Uint8Array {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UserError("NOT_A_FILE", `${what} ${path} is not a regular file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError("FILE_UNREADABLE", `cannot read ${what} ${path}: ${describeFsError(error)}`);
  }
  if (size > maxBytes) {
    throw new UserError("FILE_TOO_LARGE", `${what} ${path} is ${size} bytes; the limit is ${maxBytes} bytes`);
  }
  return readFileSync(path);
}

/** `ENOENT: no such file...` becomes `no such file or directory`, without the path repeated. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file or directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return code ?? String(error);
  }
}
