/**
 * The coverage model that Cobertura XML (coverage.py, many JS tools), lcov
 * (bun, node, vitest, jest) and coverage.py's JSON all parse into: per file,
 * the hits of every instrumented line, the functions the tool names, and
 * branch counts when it measured branches.
 */

export interface LineHits {
  line: number;
  hits: number;
}

export interface FunctionCoverage {
  name: string;
  /** Where it starts; lcov's FN gives only this. */
  line: number;
  endLine?: number;
  hits?: number;
}

interface Ratio {
  covered: number;
  total: number;
  /** 0..100; 100 when there was nothing to measure, as coverage.py reports it. */
  percent: number;
}

export interface FileCoverage {
  /** Relative to the project root when under it. */
  file: string;
  /** Sorted by line, one entry per line. */
  lines: LineHits[];
  functions: FunctionCoverage[];
  branches?: { covered: number; total: number };
}

export interface CoverageReport {
  files: FileCoverage[];
  lines: Ratio;
  branches?: Ratio;
}

function ratio(covered: number, total: number): Ratio {
  return { covered, total, percent: total === 0 ? 100 : (covered / total) * 100 };
}

/** Totals over files; branches only when some file measured them. */
export function coverageReport(files: FileCoverage[]): CoverageReport {
  const lines = files.flatMap((file) => file.lines);
  const report: CoverageReport = {
    files,
    lines: ratio(lines.filter((line) => line.hits > 0).length, lines.length),
  };
  const measured = files.flatMap((file) => (file.branches ? [file.branches] : []));
  if (measured.length > 0) {
    report.branches = ratio(
      measured.reduce((sum, branches) => sum + branches.covered, 0),
      measured.reduce((sum, branches) => sum + branches.total, 0),
    );
  }
  return report;
}

/** Hits per line, merged (summed) when a line is listed twice, sorted by line. */
export function mergeLines(lines: Iterable<LineHits>): LineHits[] {
  const hits = new Map<number, number>();
  for (const { line, hits: count } of lines) hits.set(line, (hits.get(line) ?? 0) + count);
  return [...hits].map(([line, count]) => ({ line, hits: count })).sort((a, b) => a.line - b.line);
}

/**
 * The share (0..1) of the instrumented lines in `start..end` that ran, or
 * undefined when no line in that range is instrumented.
 */
export function rangeCoverage(file: FileCoverage, start: number, end: number): number | undefined {
  const inRange = file.lines.filter((line) => line.line >= start && line.line <= end);
  if (inRange.length === 0) return undefined;
  return inRange.filter((line) => line.hits > 0).length / inRange.length;
}
