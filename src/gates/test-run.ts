/**
 * What a test runner's report comes to, whichever format it was read from
 * (JUnit XML, jest/vitest JSON): every test case with its outcome, the
 * counts, and a finding per failed or errored case.
 */
import type { Finding } from "./findings.ts";

export type TestOutcome = "passed" | "failed" | "error" | "skipped";

export interface TestCaseResult {
  /** The enclosing suites' names, outermost first. */
  suites: string[];
  name: string;
  classname?: string;
  file?: string;
  line?: number;
  outcome: TestOutcome;
  /** Why it failed or was skipped, as the runner wrote it. */
  message?: string;
}

export interface TestRunReport {
  tests: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
  cases: TestCaseResult[];
  findings: Finding[];
}

export function testRunReport(cases: TestCaseResult[], tool: string): TestRunReport {
  const counted = (outcome: TestOutcome) => cases.filter((item) => item.outcome === outcome).length;
  return {
    tests: cases.length,
    passed: counted("passed"),
    failed: counted("failed"),
    errors: counted("error"),
    skipped: counted("skipped"),
    cases,
    findings: cases.flatMap((item) => finding(item, tool)),
  };
}

function finding(item: TestCaseResult, tool: string): Finding[] {
  if (item.outcome !== "failed" && item.outcome !== "error") return [];
  const label =
    item.classname && item.classname !== item.name && !item.name.startsWith(item.classname)
      ? `${item.classname} > ${item.name}`
      : item.name;
  const reason = item.message?.split("\n").find((line) => line.trim() !== "");
  const result: Finding = {
    message: `${label} ${item.outcome === "error" ? "errored" : "failed"}${reason ? `: ${reason.trim()}` : ""}`,
    severity: "error",
    tool,
  };
  if (item.file !== undefined) result.file = item.file;
  if (item.line !== undefined) result.line = item.line;
  return [result];
}
