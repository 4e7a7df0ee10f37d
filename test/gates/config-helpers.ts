/** Throwaway projects for the config tests: a folder with `.git` (so it is the project root) and the given files. */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { PROJECT_ROOT, type RunResult, tempDir } from "../helpers.ts";

export function project(files: Record<string, string>): string {
  const root = tempDir("tollgate-config-");
  mkdirSync(join(root, ".git"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), content);
  }
  return root;
}

const RUNNER = join(PROJECT_ROOT, "test", "fixtures", "gates", "config", "run-config.ts");

/** `tollgate config ARGS` in `cwd`. */
export function runConfig(cwd: string, args: string[]): RunResult {
  const result = spawnSync(process.execPath, [RUNNER, "config", ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
