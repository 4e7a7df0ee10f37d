import { describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, statSync } from "node:fs";
import { join } from "node:path";
import { type ConsumeResult, openReplayStore, replayStorePath } from "../../src/receipts/index.ts";
import { PROJECT_ROOT, tempDir } from "../helpers.ts";
import { HASH_A } from "./fixtures.ts";

const SCRIPT = join(PROJECT_ROOT, "test", "receipts", "consume.ts");
const DENO = join(PROJECT_ROOT, "node_modules", ".bin", "deno");
const NOW = new Date("2026-06-01T12:00:00.000Z");

const entry = (approvalId: string) => ({ approvalId, contractSha256: HASH_A });

function consumeInProcess(
  runtime: "bun" | "deno",
  path: string,
  approvalId: string,
  executionId: string,
): ConsumeResult {
  const argv =
    runtime === "bun"
      ? [process.execPath, SCRIPT, path, approvalId, executionId]
      : [DENO, "run", "-A", SCRIPT, path, approvalId, executionId];
  const result = spawnSync(argv[0] as string, argv.slice(1), { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`${runtime} consume failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function consumeRacing(path: string, approvalId: string, executionId: string, startAt: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, path, approvalId, executionId, String(startAt)], {
      cwd: PROJECT_ROOT,
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

describe("replay store", () => {
  test("lives in <project>/.tollgate/approvals.sqlite, folder 0700, file 0600", async () => {
    const project = tempDir();
    const path = replayStorePath(project);
    expect(path).toBe(join(project, ".tollgate", "approvals.sqlite"));
    const store = await openReplayStore(path);
    store.consume([entry("apr_1")], "exe_1", NOW);
    store.close();
    expect(statSync(join(project, ".tollgate")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    chmodSync(path, 0o644);
    (await openReplayStore(path)).close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("an approval is consumed once; a set is consumed all or nothing", async () => {
    const store = await openReplayStore(replayStorePath(tempDir()));
    expect(store.consume([entry("apr_1")], "exe_1", NOW)).toEqual({ ok: true });
    expect(store.consume([entry("apr_1")], "exe_2", NOW)).toEqual({ ok: false, replayed: "apr_1" });
    expect(store.consume([entry("apr_2"), entry("apr_1")], "exe_3", NOW)).toEqual({ ok: false, replayed: "apr_1" });
    expect(store.isConsumed("apr_2")).toBe(false);
    expect(store.consume([entry("apr_2"), entry("apr_3")], "exe_4", NOW)).toEqual({ ok: true });
    expect([store.isConsumed("apr_2"), store.isConsumed("apr_3")]).toEqual([true, true]);
    store.close();
  });

  test("a replay fails after a restart: consumed here, refused in a new process (Bun and Deno)", async () => {
    const path = replayStorePath(tempDir());
    const store = await openReplayStore(path);
    expect(store.consume([entry("apr_restart")], "exe_1", NOW)).toEqual({ ok: true });
    store.close();
    expect(consumeInProcess("bun", path, "apr_restart", "exe_2")).toEqual({ ok: false, replayed: "apr_restart" });
    expect(consumeInProcess("deno", path, "apr_restart", "exe_3")).toEqual({ ok: false, replayed: "apr_restart" });
    expect(consumeInProcess("deno", path, "apr_fresh", "exe_4")).toEqual({ ok: true });
    expect(consumeInProcess("bun", path, "apr_fresh", "exe_5")).toEqual({ ok: false, replayed: "apr_fresh" });
  });

  test("processes racing for one approval: exactly one wins, every round", async () => {
    const path = replayStorePath(tempDir());
    (await openReplayStore(path)).close();
    for (let round = 0; round < 3; round++) {
      const startAt = Date.now() + 1500;
      const results = await Promise.all(
        [0, 1, 2, 3].map((racer) => consumeRacing(path, `apr_race_${round}`, `exe_${round}_${racer}`, startAt)),
      );
      const outcomes = results.map((out) => JSON.parse(out) as { ok: boolean });
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
      expect(outcomes.filter((outcome) => !outcome.ok)).toEqual(
        Array(3).fill({ ok: false, replayed: `apr_race_${round}` }),
      );
    }
  });
});
