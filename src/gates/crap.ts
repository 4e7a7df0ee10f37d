/**
 * CRAP per function: CCN^2 x (1 - coverage)^3 + CCN, with CCN from lizard and
 * coverage the function's line coverage from the coverage model.
 *
 * Matching rule: a lizard function matches the coverage file with the same
 * project-relative path; its coverage is the share of that file's
 * instrumented lines within the function's lines (start..end, inclusive)
 * that ran. Line ranges rather than function records, because lcov's FN
 * gives only a start line, bun writes no FN at all and coverage.py's
 * Cobertura lists no methods. A function is unmatched when its file has no
 * coverage, no line of its range is instrumented, or lizard gave no end line
 * (its XML): it counts as uncovered (CRAP = CCN^2 + CCN) and is reported in
 * `unmatched`, so a gap in the data never makes a function look better.
 */
import type { CoverageReport } from "./coverage.ts";
import { rangeCoverage } from "./coverage.ts";
import type { Finding } from "./findings.ts";
import type { FunctionComplexity } from "./parse-lizard.ts";

interface CrapEntry {
  file: string;
  name: string;
  startLine: number;
  endLine?: number;
  ccn: number;
  /** 0..1 */
  coverage: number;
  crap: number;
  matched: boolean;
}

export interface CrapReport {
  /** Worst first. */
  functions: CrapEntry[];
  unmatched: CrapEntry[];
  maxCrap: number;
  /** Functions above the limit, when one was given. */
  findings: Finding[];
}

export function crapScore(ccn: number, coverage: number): number {
  return ccn ** 2 * (1 - coverage) ** 3 + ccn;
}

export function computeCrap(
  functions: readonly FunctionComplexity[],
  coverage: CoverageReport,
  options: { limit?: number } = {},
): CrapReport {
  const files = new Map(coverage.files.map((file) => [file.file, file]));
  const entries = functions.map((fn): CrapEntry => {
    const file = files.get(fn.file);
    const covered = file && fn.endLine !== undefined ? rangeCoverage(file, fn.startLine, fn.endLine) : undefined;
    const entry: CrapEntry = {
      file: fn.file,
      name: fn.name,
      startLine: fn.startLine,
      ccn: fn.ccn,
      coverage: covered ?? 0,
      crap: crapScore(fn.ccn, covered ?? 0),
      matched: covered !== undefined,
    };
    if (fn.endLine !== undefined) entry.endLine = fn.endLine;
    return entry;
  });
  entries.sort((a, b) => b.crap - a.crap || a.file.localeCompare(b.file) || a.startLine - b.startLine);
  const { limit } = options;
  return {
    functions: entries,
    unmatched: entries.filter((entry) => !entry.matched),
    maxCrap: Math.max(0, ...entries.map((entry) => entry.crap)),
    findings:
      limit === undefined
        ? []
        : entries
            .filter((entry) => entry.crap > limit)
            .map((entry) => ({
              file: entry.file,
              line: entry.startLine,
              rule: "crap",
              message: `${entry.name}: CRAP ${round(entry.crap)} (CCN ${entry.ccn}, ${
                entry.matched ? `line coverage ${round(entry.coverage * 100)}%` : "no coverage data"
              }) above ${limit}`,
              severity: "warning" as const,
              tool: "crap",
            })),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
