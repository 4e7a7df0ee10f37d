import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execute } from "../../src/sandbox/executor.ts";
import type { ExecutionMode } from "../../src/sandbox/plan.ts";
import { plan } from "../fixtures/sandbox/plans.ts";
import { tempDir } from "../helpers.ts";

const sh = (script: string) => ["/bin/sh", "-c", script];
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

describe("execute, local mode", () => {
  test("records the real executable and its hash, exit code, output and timestamps", async () => {
    const outcome = await execute([plan([["/usr/bin/printf", "%s", "$(id);`id`"]])], { mode: "local" });
    expect(outcome.mode).toBe("local");
    const [command] = outcome.commands;
    expect(command).toMatchObject({ status: "success", exitCode: 0 });
    expect(command?.stdout.text).toBe("$(id);`id`");
    expect(command?.segments[0]?.executable).toEqual({
      path: "/usr/bin/printf",
      sha256: sha256(readFileSync("/usr/bin/printf")),
    });
    expect(Date.parse(command?.endedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(command?.startedAt ?? ""));
  });

  test("stops at the first failing command", async () => {
    const outcome = await execute([plan([sh("exit 3")], { id: "a" }), plan([["/usr/bin/true"]], { id: "b" })], {
      mode: "local",
    });
    expect(outcome.commands.map((command) => [command.id, command.status, command.exitCode])).toEqual([
      ["a", "failed", 3],
    ]);
  });

  test("pipelines: stdout feeds the next segment, stderr of all captured, pipefail", async () => {
    const outcome = await execute(
      [plan([sh("echo hello; echo e1 >&2"), ["/usr/bin/tr", "a-z", "A-Z"], sh("cat; echo e2 >&2; exit 5")])],
      { mode: "local" },
    );
    const [command] = outcome.commands;
    expect(command?.stdout.text).toBe("HELLO\n");
    expect(command?.stderr.text).toContain("e1");
    expect(command?.stderr.text).toContain("e2");
    expect(command).toMatchObject({ status: "failed", exitCode: 5 });
    expect(command?.segments.map((segment) => segment.executable.path)).toEqual([
      "/usr/bin/dash",
      "/usr/bin/tr",
      "/usr/bin/dash",
    ]);
  });

  test("output beyond the cap is cut, the hash covers the whole stream", async () => {
    const outcome = await execute([plan([sh("head -c 12000000 /dev/zero")])], { mode: "local" });
    const stdout = outcome.commands[0]?.stdout;
    expect(stdout).toMatchObject({ bytes: 12_000_000, truncated: true });
    expect(stdout?.text.length).toBe(10 * 1024 * 1024);
    expect(stdout?.sha256).toBe(sha256(new Uint8Array(12_000_000)));
  });

  test("a timeout kills a grandchild that ignores SIGTERM", async () => {
    const marker = join(tempDir(), "survived");
    const outcome = await execute(
      [plan([sh(`(trap '' TERM; sleep 1.5; touch ${marker}) & wait`)], { timeoutMs: 300 })],
      { mode: "local", graceMs: 200 },
    );
    expect(outcome.commands[0]?.status).toBe("timed_out");
    await Bun.sleep(1800);
    expect(existsSync(marker)).toBe(false);
  });

  test("limits apply to the command (prlimit): file size and open files", async () => {
    const dir = tempDir();
    const outcome = await execute(
      [
        plan([sh(`ulimit -n; head -c 200000 /dev/zero > ${dir}/big`)], {
          limits: {
            cpuSeconds: 5,
            addressSpaceBytes: 1024 ** 3,
            openFiles: 77,
            processes: 256,
            fileSizeBytes: 100_000,
          },
        }),
      ],
      { mode: "local" },
    );
    expect(outcome.commands[0]?.stdout.text).toBe("77\n");
    expect(outcome.commands[0]?.status).toBe("failed");
    expect(readFileSync(join(dir, "big")).length).toBe(100_000);
  });

  test("the child gets only the plan's environment", async () => {
    process.env.TOLLGATE_HOST_CANARY = "host-canary-value";
    try {
      const outcome = await execute([plan([["/usr/bin/env"]], { env: { ONLY: "this" } })], { mode: "local" });
      expect(outcome.commands[0]?.stdout.text).toBe("ONLY=this\n");
    } finally {
      delete process.env.TOLLGATE_HOST_CANARY;
    }
  });

  test("a NUL byte in argv is refused before launch", async () => {
    const marker = join(tempDir(), "ran");
    const outcome = await execute([plan([["/usr/bin/touch", marker, "a\0b"]])], { mode: "local" });
    expect(outcome.commands[0]).toMatchObject({
      status: "sandbox_error",
      sandboxError: expect.stringContaining("NUL byte"),
    });
    expect(existsSync(marker)).toBe(false);
  });

  test("a missing executable is a sandbox error naming it", async () => {
    const outcome = await execute([plan([["/usr/bin/tollgate-no-such-tool"]])], { mode: "local" });
    expect(outcome.commands[0]?.sandboxError).toContain("/usr/bin/tollgate-no-such-tool");
  });
});

describe("secrets never reach tollgate's own text", () => {
  const canary = "tg-canary-7f3a9c1e5b";
  const modes: ExecutionMode[] = ["local", "hardened"];
  for (const mode of modes) {
    test(`${mode}: an echoed secret is the command's output, but not in errors or the profile`, async () => {
      const secretPlan = (segments: string[][], extra = {}) =>
        plan(segments, { env: { PATH: "/usr/bin:/bin", TOKEN: canary }, secretNames: ["TOKEN"], ...extra });
      const echoed = await execute([secretPlan([sh("echo $TOKEN")])], { mode });
      expect(echoed.commands[0]?.stdout.text).toBe(`${canary}\n`);
      // A sandbox error whose cause names the secret (a bind source) must not repeat it.
      const failed = await execute([secretPlan([["/usr/bin/true"]], { cwd: `/${canary}` })], { mode });
      const { stdout: _out, ...rest } = failed.commands[0] ?? {};
      expect(JSON.stringify(rest)).not.toContain(canary);
      expect(failed.commands[0]?.status).not.toBe("success");
      const hardened = await execute([secretPlan([["/usr/bin/true"]])], { mode });
      expect(JSON.stringify(hardened)).not.toContain(canary);
    });
  }
});

test("a redacted sandbox error still says what went wrong", async () => {
  const outcome = await execute(
    [plan([["/usr/bin/true"]], { cwd: "/missing-tg-canary", env: { S: "tg-canary" }, secretNames: ["S"] })],
    { mode: "local" },
  );
  expect(outcome.commands[0]?.sandboxError).toBe(
    "refused before launch: cwd /missing-<secret> is not an existing folder",
  );
});

describe("execute, hardened mode: a sandbox that cannot start is not a failing command", () => {
  test("bwrap's own set-up failure is a sandbox_error with bwrap's words, never a command exit", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, ".tollgate", "inside"), { recursive: true });
    // The cwd lies in a folder the sandbox hides: bwrap cannot enter it, and says so.
    const outcome = await execute([plan([["/usr/bin/true"]], { cwd: join(dir, ".tollgate", "inside") })], {
      mode: "hardened",
      hidden: [join(dir, ".tollgate")],
    });
    const [command] = outcome.commands;
    expect(command?.status).toBe("sandbox_error");
    expect(command?.exitCode).toBeNull();
    expect(command?.sandboxError).toMatch(/^the sandbox could not start: bwrap: Can't chdir/);
    // A command that runs and fails is "failed", with its own exit code.
    const failing = await execute([plan([["/usr/bin/false"]])], { mode: "hardened" });
    expect(failing.commands[0]).toMatchObject({ status: "failed", exitCode: 1 });
    expect(failing.commands[0]?.sandboxError).toBeUndefined();
  });

  test("every command's sandbox is checked before the first runs", async () => {
    const dir = tempDir();
    const outcome = await execute(
      [
        plan([["/usr/bin/touch", join(dir, "first-ran")]], { id: "first", cwd: dir, writePaths: [dir] }),
        plan([["/usr/bin/true"]], { id: "second", cwd: join(dir, "missing") }),
      ],
      { mode: "hardened" },
    );
    expect(outcome.commands.map((command) => [command.id, command.status])).toEqual([["second", "sandbox_error"]]);
    expect(existsSync(join(dir, "first-ran"))).toBe(false);
  });

  test("the profile hash is stable across runs and changes with the sandbox", async () => {
    const run = (network: "deny" | "full") => execute([plan([["/usr/bin/true"]], { network })], { mode: "hardened" });
    const [a, b, c] = await Promise.all([run("deny"), run("deny"), run("full")]);
    expect(a.sandboxProfileSha256).toBe(b.sandboxProfileSha256);
    expect(a.sandboxProfileSha256).not.toBe(c.sandboxProfileSha256);
  });
});

test("hardened pipelines: one sandbox per segment, joined by pipes, every stderr captured", async () => {
  const outcome = await execute(
    [plan([sh("echo hello; echo e1 >&2"), ["/usr/bin/tr", "a-z", "A-Z"], sh("cat; echo e2 >&2")])],
    { mode: "hardened" },
  );
  const [command] = outcome.commands;
  expect(command).toMatchObject({ status: "success", exitCode: 0 });
  expect(command?.stdout.text).toBe("HELLO\n");
  expect(command?.stderr.text.split("\n").sort()).toEqual(["", "e1", "e2"]);
  expect(command?.segments).toHaveLength(3);
});

test("hardened mode runs the hashed bytes: a read-only private copy mounted over the executable's path", async () => {
  const script = '#!/bin/sh\necho original\necho "echo appended" >> "$0"\n';
  const dir = tempDir();
  const tool = join(dir, "tool");
  writeFileSync(tool, script, { mode: 0o755 });
  // Outside, the tool can rewrite itself.
  await execute([plan([[tool]], { cwd: dir })], { mode: "local" });
  expect(readFileSync(tool, "utf8")).toContain("echo appended");

  writeFileSync(tool, script, { mode: 0o755 });
  const outcome = await execute([plan([[tool]], { cwd: dir, writePaths: [dir] })], { mode: "hardened" });
  const [command] = outcome.commands;
  expect(command?.stdout.text).toBe("original\n");
  expect(command?.stderr.text).toMatch(/Permission denied|Read-only file system/);
  expect(command?.segments[0]?.executable).toEqual({ path: tool, sha256: sha256(script) });
  expect(readFileSync(tool, "utf8")).toBe(script);
});
