/**
 * biome 2.x `--reporter=json` (biome calls it experimental): a summary with
 * error/warning counts and the diagnostics it printed (`diagnosticsNotPrinted`
 * says how many more there were, so the counts come from the summary). A
 * formatter diagnostic (category `format`) has no position: line 0.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath, type Severity } from "./findings.ts";
import { count, readJson } from "./read-json.ts";

const TOOL = "biome";

const SEVERITY: Record<string, Severity> = {
  fatal: "error",
  error: "error",
  warning: "warning",
  information: "info",
  info: "info",
  hint: "info",
};

const schema = v.object(
  {
    summary: v.object({
      errors: count,
      warnings: count,
      infos: v.optional(count),
      diagnosticsNotPrinted: v.optional(count),
    }),
    diagnostics: v.array(
      v.object({
        severity: v.picklist(Object.keys(SEVERITY)),
        message: v.string(),
        category: v.nullish(v.string()),
        location: v.nullish(
          v.object({
            path: v.nullish(v.string()),
            start: v.nullish(v.object({ line: count, column: count })),
          }),
        ),
      }),
    ),
  },
  "expected a biome JSON report (summary, diagnostics)",
);

export interface BiomeReport {
  errors: number;
  warnings: number;
  /** Diagnostics biome counted but did not print (past --max-diagnostics). */
  notPrinted: number;
  findings: Finding[];
}

export function parseBiome(text: string, options: ParseOptions): BiomeReport {
  const report = readJson(TOOL, text, schema);
  return {
    errors: report.summary.errors,
    warnings: report.summary.warnings,
    notPrinted: report.summary.diagnosticsNotPrinted ?? 0,
    findings: report.diagnostics.map((item) => {
      const finding: Finding = { message: item.message, severity: SEVERITY[item.severity] as Severity, tool: TOOL };
      if (item.category) finding.rule = item.category;
      if (item.location?.path) finding.file = projectPath(item.location.path, options.root);
      const start = item.location?.start;
      if (start && start.line > 0) {
        finding.line = start.line;
        finding.column = start.column;
      }
      return finding;
    }),
  };
}
