import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../../src/core/process.ts";
import { plan, SMALL_LIMITS } from "../../fixtures/sandbox/plans.ts";
import { tempDir } from "../../helpers.ts";
import { handArgv, inside, outside, python, runByHand, sh } from "./helpers.ts";

const limits = (overrides: Partial<typeof SMALL_LIMITS>) => ({ ...SMALL_LIMITS, ...overrides });
const NOBODY = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/** Host processes whose command line contains `marker`. */
async function hostProcesses(marker: string): Promise<number[]> {
  const ps = await runProcess(["ps", "-eo", "pid=,args="], { env: {}, timeoutMs: 5000 });
  return ps.stdout.text
    .split("\n")
    .filter((line) => line.includes(marker) && !line.includes("ps -eo"))
    .map((line) => Number.parseInt(line, 10));
}

describe("limits hold inside the sandbox", () => {
  test("fork bomb, unprivileged user: the process limit stops it and nothing survives", async () => {
    // Bounded first: 300 sleepers start without a limit, so the limit is what stops them below.
    const spawn300 = "for i in $(seq 300); do sleep 2 & echo $i; done; wait";
    const free = await runProcess([...NOBODY, "/bin/sh", "-c", spawn300], { env: {}, timeoutMs: 10_000 });
    expect(free.stdout.text.trim().split("\n").at(-1)).toBe("300");
    const capped = await runByHand([
      ...NOBODY,
      ...handArgv(plan([sh(spawn300)], { limits: limits({ processes: 100 }) })),
    ]);
    expect(Number(capped.stdout.text.trim().split("\n").at(-1))).toBeLessThan(100);
    expect(capped.stderr.text).toContain("Cannot fork");

    const marker = "tollgate-forkbomb-7e21";
    const bomb = sh(`b() { b | b & }; b; sleep 1 # ${marker}`);
    const result = await runByHand(
      [...NOBODY, ...handArgv(plan([bomb], { limits: limits({ processes: 100 }) }))],
      3000,
    );
    expect(result.durationMs).toBeLessThan(4000);
    expect(await hostProcesses(marker)).toEqual([]);
  });

  test("as root the kernel exempts uid 0 from the process limit: the pid namespace and the timeout are the stop", async () => {
    const marker = "31.4159";
    // setsid leaves the process group: local mode's group kill misses it.
    const leaveGroup = sh(`setsid sleep ${marker} & setsid sleep ${marker} & sleep 5`);
    const local = await outside([leaveGroup], { timeoutMs: 300, limits: limits({ processes: 1 }) });
    expect(local.status).toBe("timed_out");
    const survivors = await hostProcesses(`sleep ${marker}`);
    expect(survivors.length).toBe(2);
    for (const pid of survivors) process.kill(pid, "SIGKILL");

    // The truth about root: with a limit of one process, forks still succeed.
    const forks = await inside([sh("sleep 0 & sleep 0 & wait; echo forked")], { limits: limits({ processes: 1 }) });
    expect(forks.stdout.text).toBe(process.getuid?.() === 0 ? "forked\n" : "");

    const sandboxed = await inside([leaveGroup], { timeoutMs: 300, limits: limits({ processes: 1 }) });
    expect(sandboxed.status).toBe("timed_out");
    await Bun.sleep(100);
    expect(await hostProcesses(`sleep ${marker}`)).toEqual([]);
  });

  test("memory hog: the address-space limit makes the allocation fail", async () => {
    const hog = python("b = bytearray(600 * 1024 * 1024); print('allocated')");
    expect((await outside([hog], { limits: limits({ addressSpaceBytes: 4 * 1024 ** 3 }) })).stdout.text).toBe(
      "allocated\n",
    );
    const result = await inside([hog], { limits: limits({ addressSpaceBytes: 400 * 1024 ** 2 }) });
    expect(result.status).toBe("failed");
    expect(result.stderr.text).toContain("MemoryError");
  });

  test("disk filler: the file-size limit stops the write at the limit", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "out"));
    const fill = (name: string) => sh(`head -c 5000000 /dev/zero > out/${name}`);
    expect((await outside([fill("free")], { cwd: dir, limits: limits({ fileSizeBytes: 10 ** 8 }) })).status).toBe(
      "success",
    );
    expect(statSync(join(dir, "out", "free")).size).toBe(5_000_000);
    const result = await inside([fill("capped")], {
      cwd: dir,
      writePaths: [join(dir, "out")],
      limits: limits({ fileSizeBytes: 1024 ** 2 }),
    });
    expect(result.status).toBe("failed");
    expect(statSync(join(dir, "out", "capped")).size).toBe(1024 ** 2);
  });

  test("CPU burner: the CPU-seconds limit kills it before the wall clock would", async () => {
    const burn = sh("while :; do :; done");
    expect((await outside([burn], { timeoutMs: 1500 })).status).toBe("timed_out");
    const result = await inside([burn], { timeoutMs: 5000, limits: limits({ cpuSeconds: 1 }) });
    expect(result.status).toBe("failed");
    expect(result.durationMs).toBeLessThan(4000);
    // bwrap reports a command killed by a signal as 128 + the signal (SIGXCPU 24 or SIGKILL 9).
    expect([152, 137]).toContain(result.exitCode ?? 0);
  });

  test("output flood: captured up to the cap, hashed in full, tollgate's memory bounded", async () => {
    const flood = sh("head -c 50000000 /dev/zero; head -c 3000000 /dev/zero >&2");
    const result = await inside([flood], { timeoutMs: 20_000 });
    expect(result.status).toBe("success");
    expect(result.stdout).toMatchObject({ bytes: 50_000_000, truncated: true });
    expect(result.stdout.text.length).toBe(10 * 1024 * 1024);
    expect(result.stdout.sha256).toBe(createHash("sha256").update(new Uint8Array(50_000_000)).digest("hex"));
    expect(result.stderr).toMatchObject({ bytes: 3_000_000, truncated: true });
    expect(result.stderr.text.length).toBe(1024 * 1024);
  });

  test("a grandchild that outlives the timeout is killed: its marker is never written", async () => {
    const dir = tempDir();
    const late = (name: string) => sh(`(trap '' TERM; sleep 1; touch ${dir}/${name}) & wait`);
    expect((await outside([late("free")], { cwd: dir, timeoutMs: 5000 })).status).toBe("success");
    expect(existsSync(join(dir, "free"))).toBe(true);
    const result = await inside([late("killed")], { cwd: dir, writePaths: [dir], timeoutMs: 300 });
    expect(result.status).toBe("timed_out");
    await Bun.sleep(1300);
    expect(existsSync(join(dir, "killed"))).toBe(false);
  });
});

test("the kernel's knobs under /proc are read-only: a command cannot point kernel.core_pattern at a helper", async () => {
  const before = readFileSync("/proc/sys/kernel/core_pattern", "utf8");
  const write = sh("echo '|/tmp/evil-helper' > /proc/sys/kernel/core_pattern && echo wrote");
  const result = await inside([write]);
  expect(result.status).toBe("failed");
  expect(result.stdout.text).toBe("");
  expect(result.stderr.text).toContain("Read-only file system");
  expect(readFileSync("/proc/sys/kernel/core_pattern", "utf8")).toBe(before);
});
