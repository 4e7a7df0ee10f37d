/**
 * ruff: `ruff check --output-format json` (an array of diagnostics with
 * 1-based row/column; `code` is null for a syntax error) and the text of
 * `ruff format --check`, in both shapes ruff has printed: `Would reformat:
 * <path>` lines (before 0.9), or `unformatted: File would be reformatted`
 * diagnostics whose `--> <path>:<line>:<col>` line names the file; both end
 * with a summary (`N files would be reformatted, M files already formatted`).
 */
import * as v from "valibot";
import { type Finding, ParseError, type ParseOptions, preview, projectPath } from "./findings.ts";
import { count, maybeString, readJson } from "./read-json.ts";

const TOOL = "ruff";

const position = v.object({ row: count, column: count });

const checkSchema = v.array(
  v.object({
    code: maybeString,
    filename: v.string(),
    location: v.nullish(position),
    message: v.string(),
  }),
  "expected a JSON array of diagnostics",
);

export interface RuffCheckReport {
  findings: Finding[];
  /** Diagnostics per rule code (`syntax-error` for those without one). */
  byRule: Record<string, number>;
}

export function parseRuffCheck(text: string, options: ParseOptions): RuffCheckReport {
  const byRule: Record<string, number> = {};
  const findings = readJson(TOOL, text, checkSchema).map((item) => {
    const rule = item.code ?? "syntax-error";
    byRule[rule] = (byRule[rule] ?? 0) + 1;
    const finding: Finding = {
      file: projectPath(item.filename, options.root),
      rule,
      message: item.message,
      severity: "error",
      tool: TOOL,
    };
    if (item.location) {
      finding.line = item.location.row;
      finding.column = item.location.column;
    }
    return finding;
  });
  return { findings, byRule };
}

export interface RuffFormatReport {
  /** Files ruff would reformat, relative to the root. */
  unformatted: string[];
  alreadyFormatted: number;
  /** One per file to reformat, and one per file ruff could not format (an `error:` line). */
  findings: Finding[];
}

const WOULD_REFORMAT = /^Would reformat: (.+)$/;
const UNFORMATTED = /^unformatted: File would be reformatted$/;
const ARROW = /^\s*-->\s+(.+?):(\d+):(\d+)$/;
const SUMMARY = /^(?:(\d+) files? would be reformatted)?(?:, )?(?:(\d+) files? already formatted)?$/;
const NO_FILES = /^warning: No Python files found/;
const FAILED = /^error: Failed to (?:parse|format) (.+?):(\d+):(\d+): (.*)$/;

export function parseRuffFormatCheck(text: string, options: ParseOptions): RuffFormatReport {
  const lines = text.split("\n").map((line) => line.trimEnd());
  const unformatted: string[] = [];
  const findings: Finding[] = [];
  let summary: { reformat: number; formatted: number } | undefined;
  const add = (path: string, line?: number) => {
    const file = projectPath(path, options.root);
    unformatted.push(file);
    findings.push({
      file,
      ...(line === undefined ? {} : { line }),
      rule: "format",
      message: "File would be reformatted",
      severity: "error",
      tool: TOOL,
    });
  };
  for (const [index, line] of lines.entries()) {
    const would = WOULD_REFORMAT.exec(line);
    const arrow = UNFORMATTED.test(line) ? ARROW.exec(lines[index + 1] ?? "") : null;
    const failed = FAILED.exec(line);
    const total = line === "" ? null : SUMMARY.exec(line);
    if (would) add(would[1] as string);
    else if (arrow) add(arrow[1] as string, Number(arrow[2]));
    else if (failed) {
      findings.push({
        file: projectPath(failed[1] as string, options.root),
        line: Number(failed[2]),
        column: Number(failed[3]),
        rule: "format",
        message: failed[4] as string,
        severity: "error",
        tool: TOOL,
      });
    } else if (total) summary = { reformat: Number(total[1] ?? 0), formatted: Number(total[2] ?? 0) };
    else if (NO_FILES.test(line)) summary = { reformat: 0, formatted: 0 };
  }
  if (!summary) {
    throw new ParseError(TOOL, `expected ruff format --check output ending in a summary, got ${preview(text)}`);
  }
  if (summary.reformat !== unformatted.length) {
    throw new ParseError(
      TOOL,
      `the summary says ${summary.reformat} files would be reformatted, but ${unformatted.length} are listed`,
    );
  }
  return { unformatted, alreadyFormatted: summary.formatted, findings };
}
