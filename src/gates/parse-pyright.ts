/**
 * basedpyright (and pyright) `--outputjson`: generalDiagnostics with a
 * 0-based range, a severity and usually a rule; a summary with counts.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath, type Severity } from "./findings.ts";
import { count, maybeString, readJson } from "./read-json.ts";

const SEVERITY: Record<string, Severity> = { error: "error", warning: "warning", information: "info" };

const schema = v.object(
  {
    version: v.string(),
    generalDiagnostics: v.array(
      v.object({
        file: maybeString,
        severity: v.picklist(Object.keys(SEVERITY)),
        message: v.string(),
        range: v.nullish(v.object({ start: v.object({ line: count, character: count }) })),
        rule: maybeString,
      }),
    ),
    summary: v.object({
      filesAnalyzed: count,
      errorCount: count,
      warningCount: count,
      informationCount: count,
    }),
  },
  "expected a pyright JSON report (version, generalDiagnostics, summary)",
);

export interface PyrightReport {
  version: string;
  filesAnalyzed: number;
  errors: number;
  warnings: number;
  information: number;
  findings: Finding[];
}

export function parsePyright(text: string, options: ParseOptions & { tool?: string }): PyrightReport {
  const tool = options.tool ?? "basedpyright";
  const report = readJson(tool, text, schema);
  return {
    version: report.version,
    filesAnalyzed: report.summary.filesAnalyzed,
    errors: report.summary.errorCount,
    warnings: report.summary.warningCount,
    information: report.summary.informationCount,
    findings: report.generalDiagnostics.map((item) => {
      const finding: Finding = { message: item.message, severity: SEVERITY[item.severity] as Severity, tool };
      if (item.file) finding.file = projectPath(item.file, options.root);
      if (item.range) {
        finding.line = item.range.start.line + 1;
        finding.column = item.range.start.character + 1;
      }
      if (item.rule) finding.rule = item.rule;
      return finding;
    }),
  };
}
