/**
 * oxlint `--format json`: `{ diagnostics: [...], number_of_files, ... }`;
 * each diagnostic has a code like `eslint(no-unused-vars)` (none for a parse
 * error), a severity, a filename and labels whose spans carry 1-based
 * line/column.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath, type Severity } from "./findings.ts";
import { count, maybeString, readJson } from "./read-json.ts";

const TOOL = "oxlint";

const SEVERITY: Record<string, Severity> = { error: "error", warning: "warning", advice: "info" };

const schema = v.object(
  {
    diagnostics: v.array(
      v.object({
        message: v.string(),
        code: maybeString,
        severity: v.picklist(Object.keys(SEVERITY)),
        filename: v.string(),
        labels: v.optional(v.array(v.object({ span: v.object({ line: count, column: count }) }))),
      }),
    ),
    number_of_files: count,
  },
  "expected an oxlint JSON report (diagnostics, number_of_files)",
);

export interface OxlintReport {
  files: number;
  errors: number;
  warnings: number;
  findings: Finding[];
}

export function parseOxlint(text: string, options: ParseOptions): OxlintReport {
  const report = readJson(TOOL, text, schema);
  const findings = report.diagnostics.map((item) => {
    const finding: Finding = {
      file: projectPath(item.filename, options.root),
      message: item.message,
      severity: SEVERITY[item.severity] as Severity,
      tool: TOOL,
    };
    const span = item.labels?.[0]?.span;
    if (span) {
      finding.line = span.line;
      finding.column = span.column;
    }
    finding.rule = item.code ?? "parse-error";
    return finding;
  });
  return {
    files: report.number_of_files,
    errors: findings.filter((item) => item.severity === "error").length,
    warnings: findings.filter((item) => item.severity === "warning").length,
    findings,
  };
}
