import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError } from "../../src/core/errors.ts";
import { runPipeline, runProcess } from "../../src/core/process.ts";
import { tempDir } from "../helpers.ts";

const env = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

describe("runProcess", () => {
  test("passes argv literally, never through a shell", async () => {
    const result = await runProcess(["printf", "%s", "$(id); `id` | ; && *"], { env, timeoutMs: 5000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.text).toBe("$(id); `id` | ; && *");
  });

  test("gives the child only the environment it is handed", async () => {
    const result = await runProcess(["sh", "-c", "env"], { env: { ...env, ONLY: "this" }, timeoutMs: 5000 });
    const names = result.stdout.text
      .trim()
      .split("\n")
      .map((line) => line.split("=")[0]);
    expect(names).toContain("ONLY");
    expect(names).not.toContain("HOME");
  });

  test("BUN_BE_BUN and BUN_OPTIONS never reach a child, even in an environment handed over whole", async () => {
    const result = await runProcess(["sh", "-c", "env"], {
      env: { ...env, BUN_BE_BUN: "1", BUN_OPTIONS: "--preload=/tmp/x.js", KEPT: "yes" },
      timeoutMs: 5000,
    });
    expect(result.stdout.text).toContain("KEPT=yes");
    expect(result.stdout.text).not.toContain("BUN_BE_BUN");
    expect(result.stdout.text).not.toContain("BUN_OPTIONS");
  });

  test("stdin is /dev/null", async () => {
    const result = await runProcess(["cat"], { env, timeoutMs: 5000 });
    expect(result.exitCode).toBe(0);
    expect(result.stdout.bytes).toBe(0);
  });

  test("caps captured output while hashing the whole stream", async () => {
    const result = await runProcess(["sh", "-c", "head -c 100000 /dev/zero"], {
      env,
      timeoutMs: 5000,
      maxStdoutBytes: 1000,
    });
    expect(result.stdout.text.length).toBe(1000);
    expect(result.stdout.bytes).toBe(100000);
    expect(result.stdout.capturedBytes).toBe(1000);
    expect(result.stdout.truncated).toBe(true);
    expect(result.stdout.sha256).toBe(createHash("sha256").update(new Uint8Array(100000)).digest("hex"));
  });

  test("a timeout kills the whole process group, grandchildren included", async () => {
    const marker = join(tempDir(), "grandchild-survived");
    // The grandchild ignores SIGTERM and would write the marker after 2 s.
    const script = `(trap '' TERM; sleep 2; touch ${marker}) & wait`;
    const result = await runProcess(["sh", "-c", script], { env, timeoutMs: 300, graceMs: 200 });
    expect(result.timedOut).toBe(true);
    await Bun.sleep(2500);
    expect(existsSync(marker)).toBe(false);
  });

  test("a grandchild left running after a normal exit is killed too", async () => {
    const marker = join(tempDir(), "orphan-survived");
    const result = await runProcess(["sh", "-c", `(sleep 1; touch ${marker}) >/dev/null 2>&1 & exit 0`], {
      env,
      timeoutMs: 5000,
    });
    expect(result.exitCode).toBe(0);
    await Bun.sleep(1500);
    expect(existsSync(marker)).toBe(false);
  });

  test("a missing executable is an environment error naming it", async () => {
    const run = runProcess(["tollgate-no-such-tool"], { env, timeoutMs: 5000 });
    await expect(run).rejects.toBeInstanceOf(EnvironmentError);
    await expect(runProcess(["tollgate-no-such-tool"], { env, timeoutMs: 5000 })).rejects.toThrow(
      /tollgate-no-such-tool: not found/,
    );
  });

  test("reports the exit code and the signal", async () => {
    expect((await runProcess(["sh", "-c", "exit 3"], { env, timeoutMs: 5000 })).exitCode).toBe(3);
    const killed = await runProcess(["sh", "-c", "kill -9 $$"], { env, timeoutMs: 5000 });
    expect(killed.signal).toBe("SIGKILL");
  });
});

describe("runPipeline", () => {
  test("joins segments by pipes: the first reads /dev/null, the last stdout and every stderr are captured", async () => {
    const result = await runPipeline(
      [
        { argv: ["sh", "-c", "cat; printf 'a\\nb\\n'; echo one >&2"] },
        { argv: ["tr", "a-z", "A-Z"] },
        { argv: ["sh", "-c", "cat; echo two >&2"] },
      ],
      { env, timeoutMs: 5000 },
    );
    expect(result.segments).toEqual([
      { exitCode: 0, signal: null },
      { exitCode: 0, signal: null },
      { exitCode: 0, signal: null },
    ]);
    expect(result.stdout.text).toBe("A\nB\n");
    expect(result.stderr.text.split("\n").sort()).toEqual(["", "one", "two"]);
  });

  test("a reader that stops early ends the writer (SIGPIPE or EPIPE), as in a shell", async () => {
    const result = await runPipeline([{ argv: ["yes"] }, { argv: ["head", "-n", "1"] }], { env, timeoutMs: 5000 });
    expect(result.timedOut).toBe(false);
    expect(result.stdout.text).toBe("y\n");
    expect(result.segments[1]).toEqual({ exitCode: 0, signal: null });
    expect(result.segments[0]?.exitCode === 0).toBe(false);
  });

  test("the timeout kills every segment's group", async () => {
    const marker = join(tempDir(), "segment-survived");
    const result = await runPipeline(
      [{ argv: ["sh", "-c", `(trap '' TERM; sleep 2; touch ${marker}) & wait`] }, { argv: ["sleep", "10"] }],
      { env, timeoutMs: 300, graceMs: 200 },
    );
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(2000);
    await Bun.sleep(2200);
    expect(existsSync(marker)).toBe(false);
  });

  test("extra descriptors reach the child as fd 3", async () => {
    const path = join(tempDir(), "status");
    const fd = openSync(path, "w");
    try {
      await runPipeline([{ argv: ["sh", "-c", "echo status >&3"], extraFds: [fd] }], { env, timeoutMs: 5000 });
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(path, "utf8")).toBe("status\n");
  });

  test("a segment that cannot start stops the others and names the executable", async () => {
    const run = runPipeline([{ argv: ["sleep", "5"] }, { argv: ["tollgate-no-such-tool"] }], { env, timeoutMs: 5000 });
    await expect(run).rejects.toThrow(/tollgate-no-such-tool: not found/);
  });
});

test("a process that leaves the group (setsid) and holds the output pipe cannot keep runProcess waiting", async () => {
  const marker = "29.1828";
  const result = await runProcess(["sh", "-c", `setsid sleep ${marker} & echo started`], { env, timeoutMs: 5000 });
  expect(result.exitCode).toBe(0);
  expect(result.stdout.text).toBe("started\n");
  expect(result.durationMs).toBeLessThan(2000);
  const ps = await runProcess(["ps", "-eo", "pid=,args="], { env, timeoutMs: 5000 });
  for (const line of ps.stdout.text.split("\n").filter((row) => row.includes(`sleep ${marker}`))) {
    process.kill(Number.parseInt(line, 10), "SIGKILL");
  }
});
