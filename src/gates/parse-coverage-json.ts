/**
 * coverage.py's `coverage json` report: per file the executed and missing
 * lines (no hit counts: an executed line counts as one hit) and a summary
 * with branch counts; `totals.percent_covered` is coverage.py's own figure,
 * the one `--fail-under` checks, which counts branches together with lines
 * when branch coverage is on.
 */
import * as v from "valibot";
import { type CoverageReport, coverageReport, type FileCoverage, mergeLines } from "./coverage.ts";
import { type ParseOptions, projectPath } from "./findings.ts";
import { count, readJson } from "./read-json.ts";

const TOOL = "coverage.py";

const lineList = v.array(count);

const schema = v.object(
  {
    files: v.record(
      v.string(),
      v.object({
        executed_lines: lineList,
        missing_lines: lineList,
        summary: v.object({ num_branches: v.optional(count), covered_branches: v.optional(count) }),
      }),
    ),
    totals: v.object({ percent_covered: v.number() }),
  },
  "expected a coverage.py JSON report with files and totals",
);

export interface CoveragePyReport extends CoverageReport {
  /** coverage.py's own percentage (statements and branches together when branches were measured). */
  percentCovered: number;
}

export function parseCoveragePyJson(text: string, options: ParseOptions): CoveragePyReport {
  const data = readJson(TOOL, text, schema);
  const files = Object.entries(data.files).map(([path, entry]): FileCoverage => {
    const file: FileCoverage = {
      file: projectPath(path, options.root),
      lines: mergeLines([
        ...entry.executed_lines.map((line) => ({ line, hits: 1 })),
        ...entry.missing_lines.map((line) => ({ line, hits: 0 })),
      ]),
      functions: [],
    };
    const { num_branches: total, covered_branches: covered } = entry.summary;
    if (total !== undefined && covered !== undefined) file.branches = { covered, total };
    return file;
  });
  return { ...coverageReport(files), percentCovered: data.totals.percent_covered };
}
