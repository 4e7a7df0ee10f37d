/**
 * eslint `-f json`: one entry per file with its messages (severity 2 error,
 * 1 warning; `fatal` for a parse error, which has no ruleId) and counts.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath } from "./findings.ts";
import { count, maybeNumber, maybeString, readJson } from "./read-json.ts";

const TOOL = "eslint";

const schema = v.array(
  v.object({
    filePath: v.string(),
    messages: v.array(
      v.object({
        ruleId: maybeString,
        severity: v.picklist([0, 1, 2]),
        message: v.string(),
        line: maybeNumber,
        column: maybeNumber,
        fatal: v.optional(v.boolean()),
      }),
    ),
    errorCount: count,
    warningCount: count,
    fatalErrorCount: v.optional(count),
  }),
  "expected a JSON array of file results",
);

export interface EslintReport {
  errors: number;
  warnings: number;
  /** Files eslint could not parse. */
  fatal: number;
  findings: Finding[];
}

export function parseEslint(text: string, options: ParseOptions): EslintReport {
  const files = readJson(TOOL, text, schema);
  return {
    errors: files.reduce((sum, file) => sum + file.errorCount, 0),
    warnings: files.reduce((sum, file) => sum + file.warningCount, 0),
    fatal: files.reduce((sum, file) => sum + (file.fatalErrorCount ?? 0), 0),
    findings: files.flatMap((file) =>
      file.messages
        .filter((message) => message.severity > 0)
        .map((message) => {
          const finding: Finding = {
            file: projectPath(file.filePath, options.root),
            message: message.message,
            severity: message.severity === 2 ? "error" : "warning",
            tool: TOOL,
          };
          if (message.line) finding.line = message.line;
          if (message.column) finding.column = message.column;
          if (message.ruleId) finding.rule = message.ruleId;
          else if (message.fatal) finding.rule = "parse-error";
          return finding;
        }),
    ),
  };
}
