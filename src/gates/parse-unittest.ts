/**
 * Python's unittest text (`python -m unittest`): a FAIL:/ERROR: block per
 * problem (its traceback names the file and line), then `Ran N tests in Xs`
 * and `OK`, `OK (skipped=1, expected failures=1)`, `FAILED (failures=1,
 * errors=1)` or, from Python 3.12, `NO TESTS RAN`.
 */
import { type Finding, ParseError, type ParseOptions, preview, projectPath } from "./findings.ts";

const TOOL = "unittest";

const RAN = /^Ran (\d+) tests? in [\d.]+s$/;
const VERDICT = /^(OK|FAILED|NO TESTS RAN)(?: \((.*)\))?$/;
const HEADER = /^(FAIL|ERROR|UNEXPECTED SUCCESS): (.+)$/;
const FRAME = /^\s*File "(.+)", line (\d+)/;
const RULE = /^(?:=+|-+)$/;

export interface UnittestReport {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  expectedFailures: number;
  unexpectedSuccesses: number;
  /** unittest's own verdict: OK, or FAILED / NO TESTS RAN. */
  ok: boolean;
  findings: Finding[];
}

export function parseUnittest(text: string, options: ParseOptions): UnittestReport {
  const lines = text.split("\n").map((line) => line.trimEnd());
  const ranAt = lines.findLastIndex((line) => RAN.test(line));
  const verdict = ranAt === -1 ? null : VERDICT.exec(lines.slice(ranAt + 1).find((line) => line !== "") ?? "");
  if (ranAt === -1 || !verdict) {
    throw new ParseError(TOOL, `expected "Ran N tests" and OK/FAILED at the end, got ${preview(text.slice(-200))}`);
  }
  const counts = Object.fromEntries(
    (verdict[2] ?? "")
      .split(", ")
      .filter((part) => part.includes("="))
      .map((part) => {
        const [key, value] = part.split("=");
        return [key, Number(value)];
      }),
  );
  return {
    tests: Number(RAN.exec(lines[ranAt] as string)?.[1]),
    failures: counts.failures ?? 0,
    errors: counts.errors ?? 0,
    skipped: counts.skipped ?? 0,
    expectedFailures: counts["expected failures"] ?? 0,
    unexpectedSuccesses: counts["unexpected successes"] ?? 0,
    ok: verdict[1] === "OK",
    findings: blocks(lines.slice(0, ranAt), options.root),
  };
}

function blocks(lines: string[], root: string): Finding[] {
  const findings: Finding[] = [];
  for (const [index, line] of lines.entries()) {
    const header = HEADER.exec(line);
    if (!header || !RULE.test(lines[index - 1] ?? "")) continue;
    const body: string[] = [];
    for (const next of lines.slice(index + 2)) {
      if (RULE.test(next)) break;
      body.push(next);
    }
    const frames = body.flatMap((text) => {
      const frame = FRAME.exec(text);
      return frame ? [{ file: projectPath(frame[1] as string, root), line: Number(frame[2]) }] : [];
    });
    const own = frames.filter((frame) => !frame.file.startsWith("/") && !/^[A-Za-z]:\//.test(frame.file)).at(-1);
    const where = own ?? frames.at(-1);
    const reason = body
      .filter((text) => text.trim() !== "")
      .at(-1)
      ?.trim();
    const finding: Finding = {
      rule: header[1] as string,
      message: `${header[2]}${reason ? `: ${reason}` : ""}`,
      severity: "error",
      tool: TOOL,
    };
    if (where) {
      finding.file = where.file;
      finding.line = where.line;
    }
    findings.push(finding);
  }
  return findings;
}
