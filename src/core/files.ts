import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
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
import { EnvironmentError, UserError } from "./errors.ts";

export const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIR_MODE = 0o700;

/** Temp files of writes in flight, removed if the process is interrupted. */
const pendingTempFiles = new Set<string>();

/** Creates `dir` (and parents) as 0700, and tightens it if it already exists. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  // lstat: a symlink's target is not tightened (it may be anything, anywhere); withStateDir refuses one.
  const stat = lstatSync(dir);
  if (process.platform !== "win32" && stat.isDirectory() && (stat.mode & 0o077) !== 0) {
    chmodSync(dir, PRIVATE_DIR_MODE);
  }
}

export interface AtomicWriteOptions {
  /** File mode; defaults to 0600 (private). */
  mode?: number;
}

/** O_NOFOLLOW where the platform has it (not Windows). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
/** A new file only: never an existing file, never through a symlink. */
const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW;

/**
 * Writes `data` to `path` so that readers see the old content or the new
 * content, never a mix: temp file in the same folder, fsync, rename. The
 * temp file is created O_EXCL|O_NOFOLLOW, so a symlink planted at its name
 * is never followed; the rename replaces `path` itself (a symlink there is
 * replaced, its target left alone).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const temp = join(dirname(path), `.${basename(path)}.${randomHex(6)}.tmp`);
  pendingTempFiles.add(temp);
  try {
    const fd = openSync(temp, CREATE_NEW, mode);
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

/**
 * A per-project state folder (`.tollgate`) that tollgate writes into: created
 * 0700 when missing; refused (exit 4, saying what to do) when it is a
 * symlink, not a folder, or owned by another user, so that a repository
 * cannot point tollgate's writes (and its chmod) elsewhere. `write(path)` runs
 * with a path to the folder that no longer goes through its name (Linux:
 * /proc/self/fd/N of the folder opened O_NOFOLLOW), so swapping the folder
 * for a symlink after the check changes nothing. Errors name the real path.
 */
export function withStateDir<T>(dir: string, write: (path: string) => T): T {
  checkStateDir(dir);
  try {
    mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw stateDirError(dir, error);
  }
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0) | NO_FOLLOW);
  } catch (error) {
    checkStateDir(dir);
    throw stateDirError(dir, error);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isDirectory()) throw notAFolder(dir);
    refuseForeignOwner(dir, stat.uid);
    if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) fchmodSync(fd, PRIVATE_DIR_MODE);
    const handle = `/proc/self/fd/${fd}`;
    const path = process.platform === "linux" && existsSync(handle) ? handle : dir;
    try {
      return write(path);
    } catch (error) {
      if (error instanceof EnvironmentError || error instanceof UserError) throw error;
      const failed = error as { path?: unknown; dest?: unknown };
      const file = typeof failed.dest === "string" ? failed.dest : failed.path;
      const inside = typeof file === "string" && file.startsWith(`${path}/`) ? file.slice(path.length + 1) : undefined;
      // The temp file's name says nothing to a person: name the file it was to become.
      const named = inside === undefined ? dir : join(dir, inside.replace(/^\.(.*)\.[0-9a-f]{12}\.tmp$/, "$1"));
      throw new EnvironmentError(
        "STATE_UNWRITABLE",
        `could not write ${named}: ${describeFsError(error)}; remove it (tollgate recreates its state)`,
        { cause: error },
      );
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Refuses a state folder that is a symlink, not a folder, or another user's
 * (exit 4); a missing one is fine. Checked before a stage runs, so a bad
 * `.tollgate` does not cost a whole run.
 */
export function checkStateDir(dir: string): void {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw stateDirError(dir, error);
  }
  if (stat.isSymbolicLink()) {
    throw new EnvironmentError(
      "STATE_DIR_SYMLINK",
      `${dir} is a symlink; tollgate does not write its state through a link (it could point anywhere): remove the link`,
    );
  }
  if (!stat.isDirectory()) throw notAFolder(dir);
  refuseForeignOwner(dir, stat.uid);
}

function notAFolder(dir: string): EnvironmentError {
  return new EnvironmentError(
    "STATE_DIR_NOT_A_FOLDER",
    `${dir} is not a folder; tollgate keeps its state there: move or remove that file`,
  );
}

function refuseForeignOwner(dir: string, uid: number): void {
  const me = process.getuid?.();
  if (me === undefined || uid === me) return;
  throw new EnvironmentError(
    "STATE_DIR_NOT_OWNED",
    `${dir} belongs to uid ${uid}, not to you (uid ${me}); tollgate writes its state only into a folder of yours: remove it or run as its owner`,
  );
}

function stateDirError(dir: string, error: unknown): EnvironmentError {
  return new EnvironmentError("STATE_UNWRITABLE", `could not use ${dir}: ${describeFsError(error)}`, { cause: error });
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
