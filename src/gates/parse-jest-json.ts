/**
 * jest `--json` and vitest `--reporter=json` (vitest writes jest's shape):
 * testResults per test file, each with assertionResults (status passed,
 * failed, pending, skipped, todo or disabled). A file that failed to run (an
 * import error) has no assertions but a failed status and a message: it
 * counts as one errored case, so it cannot vanish from the totals.
 */
import * as v from "valibot";
import { type ParseOptions, projectPath } from "./findings.ts";
import { maybeString, readJson } from "./read-json.ts";
import { type TestCaseResult, type TestOutcome, type TestRunReport, testRunReport } from "./test-run.ts";

const OUTCOME: Record<string, TestOutcome> = {
  passed: "passed",
  failed: "failed",
  pending: "skipped",
  skipped: "skipped",
  todo: "skipped",
  disabled: "skipped",
  focused: "passed",
};

const schema = v.object(
  {
    numTotalTests: v.number(),
    testResults: v.array(
      v.object({
        name: v.string(),
        status: v.string(),
        message: maybeString,
        assertionResults: v.array(
          v.object({
            ancestorTitles: v.array(v.string()),
            title: v.string(),
            status: v.picklist(Object.keys(OUTCOME)),
            failureMessages: v.nullish(v.array(v.string())),
            location: v.nullish(v.object({ line: v.number(), column: v.number() })),
          }),
        ),
      }),
    ),
  },
  "expected a jest JSON report (numTotalTests, testResults)",
);

export function parseJestJson(text: string, options: ParseOptions & { tool: string }): TestRunReport {
  const report = readJson(options.tool, text, schema);
  const cases = report.testResults.flatMap((file): TestCaseResult[] => {
    const path = projectPath(file.name, options.root);
    if (file.assertionResults.length === 0 && file.status === "failed") {
      const failed: TestCaseResult = {
        suites: [path],
        name: "(test file failed to run)",
        file: path,
        outcome: "error",
      };
      if (file.message) failed.message = file.message.trim();
      return [failed];
    }
    return file.assertionResults.map((assertion) => {
      const result: TestCaseResult = {
        suites: [path, ...assertion.ancestorTitles],
        name: assertion.title,
        file: path,
        outcome: OUTCOME[assertion.status] as TestOutcome,
      };
      if (assertion.location) result.line = assertion.location.line;
      const message = assertion.failureMessages?.join("\n").trim();
      if (message) result.message = message;
      return result;
    });
  });
  return testRunReport(cases, options.tool);
}
