/**
 * Shared test helpers: run tollgate from source or as the compiled binary,
 * with a controlled environment and a throwaway home.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UserError } from "../src/core/index.ts";

export const PROJECT_ROOT = join(import.meta.dir, "..");
export const BINARY = join(PROJECT_ROOT, "dist", "tollgate");
export const SOURCE_MAIN = join(PROJECT_ROOT, "src", "main.ts");

/** Builds dist/tollgate when it is missing or older than a file under src/. */
export function ensureBinary(): string {
  if (!existsSync(BINARY) || newestSourceChange(join(PROJECT_ROOT, "src")) > statSync(BINARY).mtimeMs) {
    const result = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build.ts")], { stdio: "inherit" });
    if (result.status !== 0) throw new Error("building dist/tollgate failed");
  }
  return BINARY;
}

function newestSourceChange(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newestSourceChange(path) : statSync(path).mtimeMs;
    }),
  );
}

/** Every `.ts` file below `dir`, recursively. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** A fresh folder under the system temp dir, with symlinks resolved. */
export function tempDir(prefix = "tollgate-test-"): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  createdDirs.push(dir);
  return dir;
}

const createdDirs: string[] = [];

/**
 * Removes the run's temp folders (test/setup.ts calls it after all tests), so
 * a long-lived machine's /tmp does not fill up.
 */
export function removeCreatedDirs(): void {
  for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** Run the compiled binary instead of the source. */
  compiled?: boolean;
}

/**
 * Runs tollgate with a minimal environment: PATH plus a private HOME and XDG
 * folders (so nothing touches the real user's files) plus `env`.
 */
export function runTollgate(args: string[], options: RunOptions = {}): RunResult {
  const home = options.env?.HOME ?? tempDir("tollgate-home-");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    NO_COLOR: "1",
    ...options.env,
  };
  const argv = options.compiled ? [ensureBinary(), ...args] : [process.execPath, SOURCE_MAIN, ...args];
  const [file, ...rest] = argv as [string, ...string[]];
  const result = spawnSync(file, rest, {
    cwd: options.cwd ?? PROJECT_ROOT,
    env,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The UserError `fn` throws; fails the test when it returns or throws anything else. */
export function userErrorFrom(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError, nothing was thrown");
}

/** The UserError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError, nothing was thrown");
}
