import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";

type Env = Record<string, string | undefined>;

/** `$XDG_CONFIG_HOME/tollgate` (keys, consent): per user, private. */
export function userConfigDir(env: Env = process.env): string {
  return join(xdgBase(env.XDG_CONFIG_HOME, ".config", env), "tollgate");
}

/** `$XDG_CACHE_HOME/tollgate` (crash reports, caches): per user, private. */
export function userCacheDir(env: Env = process.env): string {
  return join(xdgBase(env.XDG_CACHE_HOME, ".cache", env), "tollgate");
}

/** The XDG spec says a relative value is invalid and must be ignored. */
function xdgBase(value: string | undefined, fallback: string, env: Env): string {
  if (value && isAbsolute(value)) return value;
  return join(homeDir(env), fallback);
}

export function homeDir(env: Env = process.env): string {
  return env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir();
}

const PROJECT_MARKERS = [".git", "tollgate.toml", "pyproject.toml", "package.json"];

/**
 * The project a run is about: the nearest folder at or above `start` holding
 * `.git`, else the nearest holding another project marker, else `start`.
 */
export function findProjectRoot(start: string = process.cwd()): string {
  return enclosingProject(start) ?? resolve(start);
}

/** The project `start` is in (as findProjectRoot), or undefined outside any project. */
export function enclosingProject(start: string = process.cwd()): string | undefined {
  const from = resolve(start);
  return findUp(from, [".git"]) ?? findUp(from, PROJECT_MARKERS);
}

function findUp(from: string, markers: readonly string[]): string | undefined {
  let dir = from;
  for (;;) {
    if (markers.some((marker) => existsSync(join(dir, marker)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Per-project state: `<project>/.tollgate`. */
export function projectStateDir(projectRoot: string): string {
  return join(projectRoot, ".tollgate");
}
