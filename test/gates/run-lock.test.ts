import { describe, expect, test } from "bun:test";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withRunLock } from "../../src/gates/run-lock.ts";
import { tempDir } from "../helpers.ts";

describe("one gate run at a time per project", () => {
  test("a lock left by a run that is gone is taken over; the lock is released afterwards", async () => {
    const dir = tempDir("lock-");
    // pid 2^22 + 1 is above Linux's pid_max: no process has it.
    writeFileSync(join(dir, "run.lock"), String(4_194_305));
    expect(await withRunLock(dir, { waitMs: 1000 }, async () => "ran")).toBe("ran");
    expect(existsSync(join(dir, "run.lock"))).toBe(false);
  });

  test("a live run's lock is waited for, saying whose it is; the second run starts when the first ends", async () => {
    const dir = tempDir("lock-");
    mkdirSync(dir, { recursive: true });
    const holder = spawn("sleep", ["0.5"]);
    writeFileSync(join(dir, "run.lock"), String(holder.pid));
    holder.on("exit", () => writeFileSync(join(dir, "run.lock"), "0"));
    const waitedFor: number[] = [];
    const result = await withRunLock(
      dir,
      { waitMs: 10_000, pollMs: 20, onWait: (pid) => waitedFor.push(pid) },
      async () => existsSync(join(dir, "run.lock")),
    );
    expect(waitedFor).toEqual([holder.pid as number]);
    expect(result).toBe(true);
  });

  test("a run that holds the lock past the wait is reported, not raced", async () => {
    const dir = tempDir("lock-");
    writeFileSync(join(dir, "run.lock"), String(process.pid));
    let ran = false;
    const waiting = withRunLock(dir, { waitMs: 100, pollMs: 20 }, async () => {
      ran = true;
    });
    await expect(waiting).rejects.toThrow(`another tollgate run (pid ${process.pid})`);
    expect(ran).toBe(false);
  });
});
