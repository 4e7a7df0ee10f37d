/**
 * Path rules of the policy: lexical normalisation before any matching, and
 * prefixes matched on whole segments, so `..` never escapes a prefix and
 * `/workspace-evil` is not under `/workspace`.
 */

/** Glob characters; only a trailing `/**` ("the folder and everything under it") is supported. */
const GLOB = /[*?[\]{}]/;

/** An empty, `.` or `..` segment, or a trailing `/`: what normalising an absolute path changes. */
const NOT_NORMAL = /\/\/|\/\.\.?(?:\/|$)|.\/$/;

const DOT = 0x2e;

/**
 * `/a/./b//c/../d/` -> `/a/b/d`. Input must start with `/`; `..` at the root
 * stays at the root, as the kernel resolves it.
 */
export function normalisePath(path: string): string {
  if (path.startsWith("/") && !NOT_NORMAL.test(path)) return path;
  // The kept segments as [start, end) pairs; the result is built from runs of adjacent ones.
  const kept: number[] = [];
  for (let start = 0; start <= path.length; ) {
    let end = path.indexOf("/", start);
    if (end === -1) end = path.length;
    const length = end - start;
    const dot = path.charCodeAt(start) === DOT;
    if (length === 2 && dot && path.charCodeAt(start + 1) === DOT) kept.length = Math.max(0, kept.length - 2);
    else if (length > 1 || (length === 1 && !dot)) kept.push(start, end);
    start = end + 1;
  }
  let out = "";
  for (let k = 0; k < kept.length; ) {
    const start = kept[k] as number;
    let end = kept[k + 1] as number;
    for (k += 2; k < kept.length && kept[k] === end + 1; k += 2) end = kept[k + 1] as number;
    out += start === 0 ? `/${path.slice(0, end)}` : path.slice(start - 1, end);
  }
  return out || "/";
}

export type ScopePath =
  | { ok: true; path: string }
  | { ok: false; code: "PATH_NOT_ABSOLUTE" | "PATH_GLOB_UNSUPPORTED"; problem: string };

/**
 * A contract or policy path as tollgate matches it: POSIX absolute (the
 * Windows drive and UNC forms CSC accepts are not absolute paths on this
 * host), without NUL bytes, a trailing `/**` removed, no other glob, normalised.
 */
export function scopePath(raw: string): ScopePath {
  if (!raw.startsWith("/") || raw.includes("\0")) {
    return { ok: false, code: "PATH_NOT_ABSOLUTE", problem: `${JSON.stringify(raw)} is not an absolute POSIX path` };
  }
  const tree = raw.endsWith("/**") ? raw.slice(0, -3) : raw;
  if (GLOB.test(tree)) {
    return {
      ok: false,
      code: "PATH_GLOB_UNSUPPORTED",
      problem: `${JSON.stringify(raw)} holds glob characters; name the folder, optionally ending in /**`,
    };
  }
  return { ok: true, path: normalisePath(tree) };
}

/** Whether normalised `path` is `prefix` or lies under it, comparing whole segments. */
export function isUnder(path: string, prefix: string): boolean {
  if (prefix === "/") return true;
  return path === prefix || (path.startsWith(prefix) && path.charCodeAt(prefix.length) === 0x2f);
}

/** Whether normalised `path` is under any of `prefixes`. */
export function isUnderAny(path: string, prefixes: readonly string[]): boolean {
  for (let i = 0; i < prefixes.length; i++) if (isUnder(path, prefixes[i] as string)) return true;
  return false;
}

/** Whether either path contains the other: access to one reaches into the other. */
export function overlaps(a: string, b: string): boolean {
  return isUnder(a, b) || isUnder(b, a);
}
