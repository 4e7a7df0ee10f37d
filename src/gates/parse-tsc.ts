/**
 * tsc with `--pretty false`: `file(line,col): error TS2322: message`, the
 * message continuing on indented lines; errors without a location (a bad
 * command line) read `error TS5023: message`.
 */
import { type Finding, ParseError, type ParseOptions, preview, projectPath, type Severity } from "./findings.ts";

const TOOL = "tsc";

const LOCATED = /^(.+)\((\d+),(\d+)\): (error|warning|message) (TS\d+): (.*)$/;
const GLOBAL = /^(error|warning|message) (TS\d+): (.*)$/;
/** Written with --build or --watch, and by tsc's summary in pretty mode. */
const NOISE = /^(?:Found \d+ errors?|\d{1,2}:\d{2}:\d{2} (?:AM|PM)? ?- )/;

export interface TscReport {
  errors: number;
  findings: Finding[];
}

export function parseTsc(text: string, options: ParseOptions): TscReport {
  const findings: Finding[] = [];
  for (const line of text.split("\n").map((item) => item.trimEnd())) {
    if (line === "" || NOISE.test(line)) continue;
    const located = LOCATED.exec(line);
    const global = located ? null : GLOBAL.exec(line);
    const last = findings.at(-1);
    if (located) {
      findings.push({
        file: projectPath(located[1] as string, options.root),
        line: Number(located[2]),
        column: Number(located[3]),
        rule: located[5] as string,
        message: located[6] as string,
        severity: severity(located[4] as string),
        tool: TOOL,
      });
    } else if (global) {
      findings.push({
        rule: global[2] as string,
        message: global[3] as string,
        severity: severity(global[1] as string),
        tool: TOOL,
      });
    } else if (/^\s/.test(line) && last) {
      last.message += `\n${line.trim()}`;
    } else {
      throw new ParseError(TOOL, `expected "file(line,col): error TSnnnn: message" lines, got ${preview(line)}`);
    }
  }
  return { errors: findings.filter((item) => item.severity === "error").length, findings };
}

function severity(category: string): Severity {
  return category === "error" ? "error" : category === "warning" ? "warning" : "info";
}
