/**
 * The file system as the policy sees it, behind an interface so evaluation
 * stays pure and fast in tests and benchmarks: where a program is found and
 * what file it is, and where a path really leads (symlinks resolved).
 */
import { accessSync, constants, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { normalisePath } from "./paths.ts";

interface FoundExecutable {
  /** Where it was found: the PATH entry joined with the name, or the absolute argv[0], normalised. */
  location: string;
  /** The regular, executable file it resolves to (symlinks resolved): what runs. */
  file: string;
}

export interface FileSystemView {
  /** A bare name is looked up on `searchPath` (absolute entries only); an absolute path is taken as is. */
  findExecutable(arg0: string, searchPath: string): FoundExecutable | undefined;
  /** `path` (absolute, normalised) with symlinks resolved; the part that does not exist yet is kept as written. */
  realPath(path: string): string;
}

/**
 * Folders whose programs are trusted without policy configuration: the
 * system's, which only root can write. Everything else must be listed in the
 * policy's `tollgate.executable_dirs`.
 */
export const SYSTEM_EXECUTABLE_DIRS: readonly string[] = [
  "/usr/bin",
  "/bin",
  "/usr/sbin",
  "/sbin",
  "/usr/local/bin",
  "/usr/local/sbin",
  "/opt/homebrew/bin",
];

function executableFile(path: string): string | undefined {
  try {
    const file = realpathSync(path);
    if (!statSync(file).isFile()) return undefined;
    accessSync(file, constants.X_OK);
    return file;
  } catch {
    return undefined;
  }
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return path;
    return join(realPathOf(parent), path.slice(parent.length + (parent === "/" ? 0 : 1)));
  }
}

/** The real file system, with every answer cached for the life of the object. */
export function cachingFileSystem(): FileSystemView {
  // null: looked up and not found.
  const executables = new Map<string, Map<string, FoundExecutable | null>>();
  const realPaths = new Map<string, string>();
  return {
    findExecutable(arg0, searchPath) {
      let onPath = executables.get(searchPath);
      if (!onPath) {
        onPath = new Map();
        executables.set(searchPath, onPath);
      }
      const known = onPath.get(arg0);
      if (known !== undefined) return known ?? undefined;
      let found: FoundExecutable | undefined;
      const candidates = arg0.startsWith("/")
        ? [normalisePath(arg0)]
        : searchPath
            .split(":")
            .filter((dir) => dir.startsWith("/"))
            .map((dir) => normalisePath(join(dir, arg0)));
      for (const location of candidates) {
        const file = executableFile(location);
        if (file) {
          found = { location, file };
          break;
        }
      }
      onPath.set(arg0, found ?? null);
      return found;
    },
    realPath(path) {
      let real = realPaths.get(path);
      if (real === undefined) {
        real = realPathOf(path);
        realPaths.set(path, real);
      }
      return real;
    },
  };
}
