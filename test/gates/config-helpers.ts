/** Throwaway projects for the config tests: a folder with `.git` (so it is the project root) and the given files. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type RunResult, runTollgate, tempDir } from "../helpers.ts";

export function project(files: Record<string, string>): string {
  const root = tempDir("tollgate-config-");
  mkdirSync(join(root, ".git"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  return root;
}

/** `tollgate config ARGS` in `cwd`. */
export function runConfig(cwd: string, args: string[]): RunResult {
  return runTollgate(["config", ...args], { cwd });
}
