/**
 * The runtime seam holds: the portable commands run from source under Deno 2.
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ExitCode } from "../../src/core/errors.ts";
import { PROJECT_ROOT, SOURCE_MAIN, tempDir } from "../helpers.ts";

const DENO = join(PROJECT_ROOT, "node_modules", ".bin", "deno");
const denoDir = tempDir("tollgate-deno-");

function runUnderDeno(args: string[]) {
  const home = tempDir("tollgate-home-");
  const result = spawnSync(DENO, ["run", "-A", SOURCE_MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      DENO_DIR: denoDir,
      NO_COLOR: "1",
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("under Deno 2", () => {
  test("--version names the deno runtime", () => {
    const result = runUnderDeno(["--version", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ runtime: "deno", compiled: false });
  });

  test("--help lists the commands", () => {
    const result = runUnderDeno(["--help"]);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain("doctor");
  });

  test("doctor runs its checks", () => {
    const result = runUnderDeno(["doctor", "--json"]);
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout).ok).toBe(true);
  });

  test("crash list works on an empty store", () => {
    const result = runUnderDeno(["crash", "list", "--json"]);
    expect(result.code).toBe(ExitCode.ok);
  });

  test("a usage error keeps its exit code", () => {
    expect(runUnderDeno(["doctor", "--nope"]).code).toBe(ExitCode.usage);
  });
});
