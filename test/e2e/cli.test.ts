/**
 * The CLI frame as users meet it: exit codes, stdout/stderr separation,
 * --help and --version, interrupts and closed pipes, from source and as the
 * compiled binary.
 */
import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../../src/core/errors.ts";
import { ensureBinary, runTollgate, tempDir } from "../helpers.ts";

for (const compiled of [false, true]) {
  describe(compiled ? "compiled binary" : "from source", () => {
    const run = (args: string[], env: Record<string, string> = {}) => runTollgate(args, { compiled, env });

    test("--version prints version, commit, runtime and target on stdout", () => {
      const result = run(["--version"]);
      expect(result.code).toBe(ExitCode.ok);
      expect(result.stdout).toMatch(
        /^tollgate \d+\.\d+\.\d+\ncommit: +\S+\nruntime: +bun \d+\.\d+\.\d+\ntarget: +\S+\n$/,
      );
      expect(result.stderr).toBe("");
    });

    test("--version --json prints one JSON document", () => {
      const result = run(["--version", "--json"]);
      expect(result.code).toBe(ExitCode.ok);
      const info = JSON.parse(result.stdout);
      expect(Object.keys(info).sort()).toEqual([
        "commit",
        "compiled",
        "runtime",
        "runtimeVersion",
        "target",
        "version",
      ]);
      expect(info.compiled).toBe(compiled);
      if (compiled) {
        expect(info.target).toBe(`${process.platform}-${process.arch}`);
        expect(info.commit).toMatch(/^[0-9a-f]{12}$/);
      }
    });

    test("--help lists the commands on stdout, without colour codes when piped", () => {
      const result = run(["--help"]);
      expect(result.code).toBe(ExitCode.ok);
      expect(result.stdout).toContain("COMMANDS");
      expect(result.stdout).toMatch(/\bdoctor\b/);
      expect(result.stdout).not.toContain("\u001b[");
    });

    test("no command, an unknown command or an unknown option is a usage error (exit 2), in one line", () => {
      for (const args of [[], ["frobnicate"], ["doctor", "--frobnicate"], ["--version", "--bogus"]]) {
        const result = run(args);
        expect(result.code).toBe(ExitCode.usage);
        expect(result.stderr).toMatch(/^tollgate: .*--help/m);
        expect(result.stdout).toBe("");
      }
    });

    test("a group without its subcommand shows its usage and exits 2", () => {
      const result = run(["crash"]);
      expect(result.code).toBe(ExitCode.usage);
      expect(result.stderr).toContain("needs a subcommand");
    });

    test("doctor reports on stderr and exits 0 on a healthy machine", () => {
      const result = run(["doctor"]);
      expect(result.code).toBe(ExitCode.ok);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain("all required checks passed");
    });

    test("doctor exits 1 and says how to fix a required check that fails", () => {
      const blocker = join(tempDir(), "a-file");
      writeFileSync(blocker, "");
      const result = run(["doctor", "--json"], { XDG_CACHE_HOME: join(blocker, "cache") });
      expect(result.code).toBe(ExitCode.checkFailed);
      const report = JSON.parse(result.stdout);
      expect(report.ok).toBe(false);
      const failed = report.checks.find((check: { status: string }) => check.status === "fail");
      expect(failed.fix).toContain("XDG_CACHE_HOME");
    });
  });
}

describe("signals and pipes", () => {
  test("Ctrl-C exits 130 and kills the child tollgate was waiting on", async () => {
    const bin = join(tempDir(), "bin");
    mkdirSync(bin);
    const pidFile = join(bin, "git.pid");
    writeFileSync(join(bin, "git"), `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 30\n`);
    chmodSync(join(bin, "git"), 0o755);
    const home = tempDir();
    const child = spawn(ensureBinary(), ["doctor"], {
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: home,
        XDG_CACHE_HOME: join(home, "c"),
        XDG_CONFIG_HOME: join(home, "g"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await Bun.sleep(50);
    expect(existsSync(pidFile)).toBe(true);
    child.kill("SIGINT");
    expect(await exited).toBe(ExitCode.interrupted);
    const fakeGitPid = Number(await Bun.file(pidFile).text());
    await Bun.sleep(200);
    expect(isRunning(fakeGitPid)).toBe(false);
    // An interrupt is not a crash: nothing was stored.
    expect(existsSync(join(home, "c", "tollgate", "crashes"))).toBe(false);
  });

  test.each([["--help"], ["--version"]])(
    "a reader that closed the pipe is a normal end of %s (exit 0)",
    async (arg) => {
      const home = tempDir();
      const child = spawn(ensureBinary(), [arg], {
        env: { PATH: "/usr/bin:/bin", HOME: home, XDG_CACHE_HOME: join(home, "c") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      // Close the read end before tollgate writes: its write fails with EPIPE.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.once("close", (status) => resolve(status)));
      expect(code).toBe(ExitCode.ok);
      expect(stderr).toBe("");
      expect(existsSync(join(home, "c", "tollgate", "crashes"))).toBe(false);
    },
  );
});

/** A killed process whose parent is gone may linger as a zombie until PID 1 reaps it. */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}
