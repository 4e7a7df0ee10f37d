/**
 * JUnit XML, as pytest (--junitxml), bun test, node --test, vitest and
 * jest-junit write it: <testsuites>/<testsuite> (nested to any depth, or a
 * bare <testcase> under <testsuites> as node writes it) holding <testcase>s
 * with <failure>, <error> or <skipped>.
 *
 * An element's own test cases are listed before those of its nested suites.
 * Counts come from the test cases themselves, not from the suites'
 * tests/failures/skipped attributes: runners disagree on those (node counts a
 * todo as skipped, jest puts no skipped on <testsuites>).
 */
import { type ParseOptions, projectPath } from "./findings.ts";
import { childrenOf, numberAttribute, readXml, type XmlElement } from "./read-xml.ts";
import { type TestCaseResult, type TestRunReport, testRunReport } from "./test-run.ts";

export interface JUnitOptions extends ParseOptions {
  /** The runner that wrote the file (pytest, bun, node, vitest, jest): the findings' tool. */
  tool: string;
}

export function parseJUnit(text: string, options: JUnitOptions): TestRunReport {
  const root = readXml(options.tool, text, ["testsuites", "testsuite"]);
  const cases: TestCaseResult[] = [];
  collect(root, root.name === "testsuite" ? [root.attributes.name ?? ""] : [], options.root, cases);
  return testRunReport(cases, options.tool);
}

function collect(element: XmlElement, suites: string[], root: string, into: TestCaseResult[]): void {
  for (const testcase of childrenOf(element, "testcase")) into.push(testCase(testcase, suites, root));
  for (const suite of childrenOf(element, "testsuite")) {
    collect(suite, [...suites, suite.attributes.name ?? ""], root, into);
  }
}

function testCase(element: XmlElement, suites: string[], root: string): TestCaseResult {
  const failure = childrenOf(element, "failure")[0];
  const error = childrenOf(element, "error")[0];
  const skipped = childrenOf(element, "skipped")[0];
  const { name = "", classname, file } = element.attributes;
  const result: TestCaseResult = { suites, name, outcome: "passed" };
  if (classname !== undefined) result.classname = classname;
  if (file !== undefined) result.file = projectPath(file, root);
  const line = numberAttribute(element, "line");
  if (line !== undefined) result.line = line;
  const [outcome, detail] =
    failure || element.attributes.failure !== undefined
      ? (["failed", failure] as const)
      : error
        ? (["error", error] as const)
        : skipped
          ? (["skipped", skipped] as const)
          : (["passed", undefined] as const);
  result.outcome = outcome;
  const message = detail ? describe(detail) : element.attributes.failure;
  if (message) result.message = message;
  return result;
}

/**
 * The message attribute, else the body (jest-junit writes only a body), else
 * the type. node writes message="true" on <skipped>, which says nothing.
 */
function describe(detail: XmlElement): string | undefined {
  const message = detail.attributes.message?.trim();
  if (message && message !== "true") return message;
  const body = detail.text.trim();
  return body === "" ? detail.attributes.type : body;
}
