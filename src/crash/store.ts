/**
 * The local store: `$XDG_CACHE_HOME/tollgate/crashes/<fingerprint>.json`,
 * 0600 files in a 0700 folder, written atomically, pruned to the newest 50
 * reports and none older than 90 days.
 */
import { readdirSync, readFileSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, userCacheDir, writeFileAtomic } from "../core/index.ts";
import { FINGERPRINT_PATTERN } from "./fingerprint.ts";
import { type CrashReport, parseReport, serializeReport } from "./payload.ts";

type Env = Record<string, string | undefined>;

export const KEEP_REPORTS = 50;
const MAX_REPORT_AGE_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
const REPORT_FILE = /^([0-9a-f]{16})\.json$/;

export function crashesDir(env: Env = process.env): string {
  return join(userCacheDir(env), "crashes");
}

export function reportFile(dir: string, fingerprint: string): string {
  if (!FINGERPRINT_PATTERN.test(fingerprint)) throw new TypeError("not a crash fingerprint");
  return join(dir, `${fingerprint}.json`);
}

/**
 * Saves `report`; a crash seen before keeps its first-seen time and counts
 * one more. Returns the file and the report as written.
 */
export function saveReport(dir: string, report: CrashReport): { file: string; report: CrashReport } {
  ensurePrivateDir(dir);
  const file = reportFile(dir, report.fingerprint);
  const previous = readReport(file);
  const saved = previous
    ? { ...report, firstSeen: previous.firstSeen, count: Math.min(previous.count + 1, 1_000_000_000) }
    : report;
  writeFileAtomic(file, serializeReport(saved));
  return { file, report: saved };
}

export interface StoredReport {
  fingerprint: string;
  file: string;
  /** Undefined when the file is not a valid report (damaged or edited by hand). */
  report: CrashReport | undefined;
  /** The report's timestamp, or the file's modification time when it is damaged. */
  lastSeen: Date;
}

/** Every report in `dir`, newest first; none when the folder does not exist yet. */
export function listReports(dir: string): StoredReport[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const reports: StoredReport[] = [];
  for (const name of names) {
    const match = REPORT_FILE.exec(name);
    if (!match) continue;
    const file = join(dir, name);
    const report = readReport(file);
    let lastSeen: Date;
    try {
      lastSeen = report ? new Date(report.timestamp) : statSync(file).mtime;
    } catch {
      continue; // removed meanwhile
    }
    reports.push({ fingerprint: match[1] as string, file, report, lastSeen });
  }
  return reports.sort((a, b) => b.lastSeen.getTime() - a.lastSeen.getTime());
}

/** The exact stored bytes, or undefined if there is no such report. */
export function readReportBytes(dir: string, fingerprint: string): Uint8Array | undefined {
  try {
    return readFileSync(reportFile(dir, fingerprint));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function readReport(file: string): CrashReport | undefined {
  try {
    return parseReport(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Removes one report; false if it did not exist. */
export function removeReport(dir: string, fingerprint: string): boolean {
  try {
    unlinkSync(reportFile(dir, fingerprint));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Keeps the newest `KEEP_REPORTS` reports and drops any older than `MAX_REPORT_AGE_DAYS`; returns the removed ids. */
export function pruneReports(dir: string, now: Date): string[] {
  const oldest = now.getTime() - MAX_REPORT_AGE_DAYS * DAY_MS;
  const removed: string[] = [];
  listReports(dir).forEach((stored, index) => {
    if (index < KEEP_REPORTS && stored.lastSeen.getTime() >= oldest) return;
    if (removeReport(dir, stored.fingerprint)) removed.push(stored.fingerprint);
  });
  return removed;
}
