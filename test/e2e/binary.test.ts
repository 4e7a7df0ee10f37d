/**
 * The compiled executable in an untrusted working directory: a repository's
 * `.env` and `bunfig.toml` must not configure it, and the variables that turn
 * a Bun executable into something else never reach its children.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { childEnv } from "../../src/core/env.ts";
import { ExitCode } from "../../src/core/errors.ts";
import { ensureBinary, runTollgate, tempDir } from "../helpers.ts";

describe("the compiled binary in a repository with .env and bunfig.toml", () => {
  const repo = tempDir("tollgate-hostile-repo-");
  /** The file the bunfig preload writes, named after the executable that ran it. */
  const marker = (executable: string) => join(repo, `preloaded-by-${executable}`);
  const control = join(tempDir(), "control");

  beforeAll(() => {
    ensureBinary();
    // TOLLGATE_TEST_CRASH=doctor makes `tollgate doctor` crash on purpose: a canary tollgate itself reacts to.
    writeFileSync(join(repo, ".env"), "TOLLGATE_TEST_CRASH=doctor\nTOLLGATE_CANARY=from-dotenv\n");
    writeFileSync(join(repo, "bunfig.toml"), 'preload = ["./preload.js"]\n');
    writeFileSync(
      join(repo, "preload.js"),
      'const { basename, join } = require("node:path");\n' +
        'require("node:fs").writeFileSync(join(__dirname, "preloaded-by-" + basename(process.execPath)), "ran");\n',
    );
    const source = join(dirname(control), "control.ts");
    writeFileSync(source, 'console.log(process.env.TOLLGATE_CANARY ?? "absent");\n');
    const build = spawnSync(process.execPath, ["build", "--compile", source, "--outfile", control], {
      encoding: "utf8",
    });
    if (build.status !== 0) throw new Error(`compiling the control failed:\n${build.stderr}`);
  }, 120_000);

  afterAll(() => {
    for (const dir of [repo, dirname(control)]) rmSync(dir, { recursive: true, force: true });
  });

  test("the fixture is live: an executable compiled with Bun's defaults loads both", () => {
    const result = spawnSync(control, [], { cwd: repo, encoding: "utf8" });
    expect(result.stdout).toBe("from-dotenv\n");
    expect(existsSync(marker("control"))).toBe(true);
  });

  test("tollgate --version there runs no preload and reads no .env", () => {
    const result = runTollgate(["--version"], { compiled: true, cwd: repo });
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toStartWith("tollgate ");
    expect(existsSync(marker("tollgate"))).toBe(false);
  });

  test("the .env canary that would crash `tollgate doctor` is not read", () => {
    // Set for real, the canary does crash it: the test can fail.
    expect(runTollgate(["doctor"], { compiled: true, env: { TOLLGATE_TEST_CRASH: "doctor" } }).code).toBe(
      ExitCode.internal,
    );
    const result = runTollgate(["doctor"], { compiled: true, cwd: repo });
    expect(result.code).not.toBe(ExitCode.internal);
    expect(result.stderr).not.toContain("crash injected");
    expect(existsSync(marker("tollgate"))).toBe(false);
  });
});

describe("child environments", () => {
  test("BUN_BE_BUN and BUN_OPTIONS are stripped, even when allowlisted or passed as extras", () => {
    const source = { PATH: "/usr/bin", BUN_BE_BUN: "1", BUN_OPTIONS: "--preload /tmp/evil.js" };
    expect(childEnv(["PATH", "BUN_BE_BUN", "BUN_OPTIONS"], {}, source)).toEqual({ PATH: "/usr/bin" });
    expect(childEnv(undefined, { BUN_BE_BUN: "1", BUN_OPTIONS: "--inspect" }, source)).toEqual({ PATH: "/usr/bin" });
  });
});
