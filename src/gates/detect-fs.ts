import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * The read-only view of a project that detection needs, with paths relative
 * to the project root ("" is the root). Tests pass an in-memory tree.
 */
export interface FsView {
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** The file's text, or undefined when it is missing or unreadable. */
  readText(path: string): string | undefined;
  /** Names of the folder's entries (files and folders); empty when it is not a folder. */
  list(path: string): string[];
}

/** Config files read by detection are small; anything larger is not read whole. */
const MAX_READ_BYTES = 1024 * 1024;

export function diskFs(root: string): FsView {
  const stat = (path: string) => {
    try {
      return statSync(join(root, path));
    } catch {
      return undefined;
    }
  };
  return {
    isFile: (path) => stat(path)?.isFile() ?? false,
    isDir: (path) => stat(path)?.isDirectory() ?? false,
    readText(path) {
      const info = stat(path);
      if (!info?.isFile() || info.size > MAX_READ_BYTES) return undefined;
      try {
        return readFileSync(join(root, path), "utf8");
      } catch {
        return undefined;
      }
    },
    list(path) {
      try {
        return readdirSync(join(root, path));
      } catch {
        return [];
      }
    },
  };
}

/**
 * A tree from `{ "path/to/file": "content" }`; folders are implied by the
 * files under them, and a key ending in "/" is an empty folder.
 */
export function memoryFs(files: Record<string, string>): FsView {
  const texts = new Map<string, string>();
  const dirs = new Map<string, Set<string>>([["", new Set()]]);
  const addDir = (path: string) => {
    const parts = path.split("/").filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      const self = parts.slice(0, i + 1).join("/");
      dirs.get(parent)?.add(parts[i] as string);
      if (!dirs.has(self)) dirs.set(self, new Set());
    }
  };
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith("/")) {
      addDir(path);
      continue;
    }
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? "" : path.slice(0, slash);
    addDir(parent);
    dirs.get(parent)?.add(path.slice(slash + 1));
    texts.set(path, text);
  }
  return {
    isFile: (path) => texts.has(path),
    isDir: (path) => dirs.has(path),
    readText: (path) => texts.get(path),
    list: (path) => [...(dirs.get(path) ?? [])].sort(),
  };
}

/** `a` joined to `b`, relative paths only ("" is the root). */
export function joinRel(a: string, b: string): string {
  return a === "" ? b : `${a}/${b}`;
}
