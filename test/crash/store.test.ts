import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { serializeReport } from "../../src/crash/payload.ts";
import {
  crashesDir,
  KEEP_REPORTS,
  listReports,
  pruneReports,
  readReportBytes,
  removeReport,
  saveReport,
} from "../../src/crash/store.ts";
import { tempDir } from "../helpers.ts";
import { DAY_MS, privateEnv, sampleReport } from "./fixtures.ts";

const NOW = new Date("2026-06-01T12:00:00.000Z");

describe("saveReport", () => {
  test("writes <fingerprint>.json, 0600 in a 0700 folder, exactly the serialized report", () => {
    const dir = crashesDir(privateEnv());
    const report = sampleReport("boom", NOW);
    const { file } = saveReport(dir, report);
    expect(file).toBe(join(dir, `${report.fingerprint}.json`));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, "utf8")).toBe(serializeReport(report));
    expect(readdirSync(dir)).toEqual([`${report.fingerprint}.json`]);
  });

  test("the same crash again: newest report, first-seen kept, count incremented", () => {
    const dir = crashesDir(privateEnv());
    saveReport(dir, sampleReport("boom", NOW));
    const later = new Date(NOW.getTime() + DAY_MS);
    const { report } = saveReport(dir, sampleReport("boom", later));
    expect(report.count).toBe(2);
    expect(report.firstSeen).toBe(NOW.toISOString());
    expect(report.timestamp).toBe(later.toISOString());
    expect(listReports(dir).map((stored) => stored.report)).toEqual([report]);
  });

  test("a damaged earlier file is replaced, not trusted", () => {
    const dir = crashesDir(privateEnv());
    const first = saveReport(dir, sampleReport("boom", NOW));
    writeFileSync(first.file, '{"count": 99}');
    expect(saveReport(dir, sampleReport("boom", NOW)).report.count).toBe(1);
  });

  test("uses $XDG_CACHE_HOME/tollgate/crashes", () => {
    expect(crashesDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/x" })).toBe("/x/cache/tollgate/crashes");
  });
});

describe("listReports, readReportBytes, removeReport", () => {
  test("newest first; damaged files listed without a report; other files ignored", () => {
    const dir = crashesDir(privateEnv());
    saveReport(dir, sampleReport("older", new Date(NOW.getTime() - DAY_MS)));
    const newer = saveReport(dir, sampleReport("newer", NOW)).report;
    writeFileSync(join(dir, "0123456789abcdef.json"), "not json");
    writeFileSync(join(dir, "notes.txt"), "hello");
    const listed = listReports(dir);
    expect(listed.map((stored) => stored.report?.fingerprint ?? stored.fingerprint)).toContain("0123456789abcdef");
    expect(listed.filter((stored) => stored.report).map((stored) => stored.report?.frames[0])).toEqual([
      "src/core/boom.ts:10:newer",
      "src/core/boom.ts:10:older",
    ]);
    expect(listed.find((stored) => stored.fingerprint === "0123456789abcdef")?.report).toBeUndefined();
    expect(new TextDecoder().decode(readReportBytes(dir, newer.fingerprint))).toBe(serializeReport(newer));
  });

  test("a folder that does not exist yet holds no reports", () => {
    expect(listReports(join(tempDir(), "missing"))).toEqual([]);
    expect(readReportBytes(join(tempDir(), "missing"), "0123456789abcdef")).toBeUndefined();
  });

  test("remove reports whether there was one", () => {
    const dir = crashesDir(privateEnv());
    const { report } = saveReport(dir, sampleReport("boom", NOW));
    expect(removeReport(dir, report.fingerprint)).toBe(true);
    expect(removeReport(dir, report.fingerprint)).toBe(false);
  });

  test("an id that is not a fingerprint never becomes a path", () => {
    expect(() => readReportBytes(tempDir(), "../../etc/passwd")).toThrow();
  });
});

describe("pruneReports (injected clock)", () => {
  test("keeps the newest 50", () => {
    const dir = crashesDir(privateEnv());
    const saved = Array.from(
      { length: KEEP_REPORTS + 5 },
      (_, i) => saveReport(dir, sampleReport(`f${i}`, new Date(NOW.getTime() - i * 60_000))).report,
    );
    const removed = pruneReports(dir, NOW);
    expect(removed.sort()).toEqual(
      saved
        .slice(KEEP_REPORTS)
        .map((report) => report.fingerprint)
        .sort(),
    );
    expect(listReports(dir)).toHaveLength(KEEP_REPORTS);
  });

  test("drops reports older than 90 days, keeps one at 89", () => {
    const dir = crashesDir(privateEnv());
    const old = saveReport(dir, sampleReport("old", new Date(NOW.getTime() - 91 * DAY_MS))).report;
    const recent = saveReport(dir, sampleReport("recent", new Date(NOW.getTime() - 89 * DAY_MS))).report;
    expect(pruneReports(dir, NOW)).toEqual([old.fingerprint]);
    expect(listReports(dir).map((stored) => stored.fingerprint)).toEqual([recent.fingerprint]);
    expect(pruneReports(dir, new Date(NOW.getTime() + 2 * DAY_MS))).toEqual([recent.fingerprint]);
  });
});
