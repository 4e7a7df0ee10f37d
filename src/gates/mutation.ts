/**
 * The mutation score both stryker and mutmut results come to:
 *
 *   score = killed / (killed + survived + timeout)      (a percentage)
 *
 * where "survived" counts every mutant that lived: those the tests ran and
 * missed (Survived) and those no test reached (stryker's NoCoverage, mutmut's
 * "no tests"), since an unreached mutant lives as surely as a missed one.
 * A timeout counts against the score: the tests did not show the mutant
 * wrong, they only ran out of time. Mutants that could not run (stryker's
 * CompileError/RuntimeError, mutmut's "suspicious"/"segfault") and those
 * excluded on purpose (Ignored, "skipped") are left out of both sides.
 *
 * Stryker's own "mutation score" is (killed + timeout) / (killed + timeout +
 * survived + noCoverage): it counts a timeout as detected, so it reads higher
 * than this one whenever mutants time out.
 *
 * A run is partial when the gate stopped the tool at its budget, or when the
 * report still holds mutants that were never run (stryker's Pending, mutmut's
 * "not checked"): its score covers only the mutants that were run.
 */
import type { Finding } from "./findings.ts";

export interface MutationCounts {
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  /** Mutants that could not be run (compile or runtime errors, crashes). */
  errors: number;
  /** Mutants excluded on purpose. */
  ignored: number;
  /** Mutants not run yet. */
  pending: number;
}

export interface MutationReport {
  counts: MutationCounts;
  /** 0..100; undefined when no mutant counts (none killed, survived or timed out). */
  score: number | undefined;
  partial: boolean;
  /** One per mutant that lived (survived or not covered). */
  findings: Finding[];
}

export interface MutationOptions {
  /** The gate stopped the tool at its time budget. */
  stopped?: boolean;
}

export function emptyCounts(): MutationCounts {
  return { killed: 0, survived: 0, noCoverage: 0, timeout: 0, errors: 0, ignored: 0, pending: 0 };
}

export function mutationScore(counts: MutationCounts): number | undefined {
  const judged = counts.killed + counts.survived + counts.noCoverage + counts.timeout;
  return judged === 0 ? undefined : (counts.killed / judged) * 100;
}

export function mutationReport(counts: MutationCounts, findings: Finding[], options: MutationOptions): MutationReport {
  return {
    counts,
    score: mutationScore(counts),
    partial: options.stopped === true || counts.pending > 0,
    findings,
  };
}
