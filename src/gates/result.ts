/**
 * What a gate run produces: one result per gate, and the stage report that
 * every output format (terminal table, JSON, SARIF, JUnit, step summary,
 * evidence) is written from.
 */
import type { Finding } from "./findings.ts";

export const VERDICTS = ["pass", "fail", "warn", "skip", "missing", "error"] as const;
/**
 * pass: measured and within the threshold. fail: measured and not (or a
 * blocking gate whose tool is missing in `ci`). warn: not within the
 * threshold, but the gate is advisory. skip: not run (configured off, nothing
 * to check). missing: the tool is not installed. error: the tool ran but
 * tollgate could not read a verdict from it (crashed, timed out, unreadable output).
 */
export type Verdict = (typeof VERDICTS)[number];

const STAGES = ["check", "ci", "pre-commit", "nightly", "post-edit", "gate"] as const;
export type Stage = (typeof STAGES)[number];

/** A measured number and the threshold it was held against: coverage 84.2 % against >= 80. */
export interface Measurement {
  value: number;
  /** What is measured, for a reader: "line coverage %", "errors", "worst CRAP". */
  unit: string;
  threshold?: number;
  /** How value relates to threshold for a pass. */
  comparison?: ">=" | "<=";
  /** Mutation testing stopped by its budget: the score is over the mutants tested so far. */
  partial?: boolean;
}

export interface GateResult {
  /** Unique in a report: the gate name, with the project folder when several projects run it ("lint (python: api)"). */
  id: string;
  /** The gate: a built-in name (lint, test, ...) or a custom gate's name. */
  gate: string;
  /** The project folder relative to the root ("." for the root), absent for a gate over the whole repository. */
  project?: string;
  toolchain?: "python" | "js";
  /** The tool that decided the verdict ("ruff", "bun test", "coverage.py"); absent for a gate that ran nothing. */
  tool?: string;
  toolVersion?: string;
  verdict: Verdict;
  /** A failure of this gate fails the stage (false: advisory, a failure is reported as warn). */
  blocking: boolean;
  /** One line a person reads first: "3 errors in 2 files", "84.2% line coverage (>= 80)". */
  summary: string;
  measurement?: Measurement;
  findings: Finding[];
  /** How many findings there were before the list was capped (findings.length <= findingsTotal). */
  findingsTotal: number;
  /** The argv that ran, for a person to run it by hand. */
  command?: string[];
  exitCode?: number | null;
  durationMs: number;
  /** The result came from the cache: the gate's inputs are unchanged since it last ran. */
  cached: boolean;
  /** The end of the tool's own output (stdout then stderr), trimmed, ANSI removed. */
  output?: string;
  /** For missing: the command that installs the tool. */
  install?: string;
}

export interface StageReport {
  /** Report format version, bumped when a field changes meaning. */
  schemaVersion: 1;
  stage: Stage;
  /** The project root (absolute). */
  root: string;
  tollgateVersion: string;
  startedAt: string;
  durationMs: number;
  /** The stage's verdict: fail when any blocking gate failed, missing (in ci) or errored. */
  verdict: "pass" | "fail";
  /** `git write-tree`'s hash of the files checked (tracked and untracked, not ignored); absent outside git. */
  treeHash?: string;
  /** The base `--changed` compared against, when given. */
  changedSince?: { ref: string; mergeBase: string; files: number };
  config: { preset: string; file?: string };
  gates: GateResult[];
}
