import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { ParseError } from "../../src/gates/findings.ts";
import { parseJestJson } from "../../src/gates/parse-jest-json.ts";
import { parseJUnit } from "../../src/gates/parse-junit.ts";
import type { TestCaseResult } from "../../src/gates/test-run.ts";
import { output, ROOT } from "./fixtures.ts";

const options = (tool: string) => ({ root: ROOT, tool });

describe("JUnit XML from real runners", () => {
  test("pytest: failures, a setup error and a skip, with entities and a non-ASCII message decoded", () => {
    const report = parseJUnit(output("pytest", "junit-failures.xml"), options("pytest"));
    expect(report).toMatchObject({ tests: 7, passed: 3, failed: 2, errors: 1, skipped: 1 });
    const wrong = report.cases.find((item) => item.name === "test_add_wrong");
    expect(wrong?.outcome).toBe("failed");
    expect(wrong?.message).toBe(
      "AssertionError: arithmetic still works: 2 + 2 ≠ 5\nassert 4 == 5\n +  where 4 = add(2, 2)",
    );
    expect(report.cases.find((item) => item.name === "test_error")?.message).toBe('RuntimeError: boom <&> "quoted"');
    expect(report.cases.find((item) => item.name === "test_uses_broken")).toMatchObject({
      outcome: "error",
      message: 'failed on setup with "OSError: fixture setup failed"',
    });
    expect(report.cases.find((item) => item.name === "test_skipped")).toMatchObject({
      outcome: "skipped",
      message: "not ready",
    });
    expect(report.cases[0]?.suites).toEqual(["pytest"]);
    expect(report.findings).toEqual([
      {
        message: "tests.test_calc > test_add_wrong failed: AssertionError: arithmetic still works: 2 + 2 ≠ 5",
        severity: "error",
        tool: "pytest",
      },
      {
        message: 'tests.test_calc > test_error failed: RuntimeError: boom <&> "quoted"',
        severity: "error",
        tool: "pytest",
      },
      {
        message: 'tests.test_calc > test_uses_broken errored: failed on setup with "OSError: fixture setup failed"',
        severity: "error",
        tool: "pytest",
      },
    ]);
  });

  test("pytest with no test collected: an empty suite, zero tests (exit code 5 tells it apart)", () => {
    const report = parseJUnit(output("pytest", "junit-no-tests.xml"), options("pytest"));
    expect(report).toMatchObject({ tests: 0, passed: 0, failed: 0, errors: 0, skipped: 0, cases: [], findings: [] });
  });

  test("bun test: nested suites, file and line on each case, skip and todo both skipped", () => {
    const report = parseJUnit(output("bun-test", "junit.xml"), options("bun"));
    expect(report).toMatchObject({ tests: 5, passed: 2, failed: 1, errors: 0, skipped: 2 });
    expect(report.cases[1]).toMatchObject({
      suites: ["test/calc.test.ts", "calc"],
      name: "adds wrong",
      file: "test/calc.test.ts",
      line: 8,
      outcome: "failed",
    });
    expect(report.findings).toEqual([
      {
        file: "test/calc.test.ts",
        line: 8,
        message: "calc > adds wrong failed: expect(received).toBe(expected)",
        severity: "error",
        tool: "bun",
      },
    ]);
  });

  test("node --test: a test outside any suite counts (listed before the suites), the failure attribute and todo are read", () => {
    const report = parseJUnit(output("node-test", "junit.xml"), options("node"));
    expect(report).toMatchObject({ tests: 5, passed: 2, failed: 1, skipped: 2 });
    expect(report.cases.map((item) => [item.suites.join(">"), item.name, item.outcome])).toEqual([
      ["", "classifies", "passed"],
      ["calc", "adds", "passed"],
      ["calc", "adds wrong <&>", "failed"],
      ["calc", "later", "skipped"],
      ["calc", "someday", "skipped"],
    ]);
    expect(report.findings[0]?.message).toBe("test > adds wrong <&> failed: 2 + 2 ≠ 54 !== 5");
  });

  test("vitest: suite per file, '>' in names decoded", () => {
    const report = parseJUnit(output("vitest", "junit.xml"), options("vitest"));
    expect(report).toMatchObject({ tests: 3, passed: 1, failed: 1, skipped: 1 });
    expect(report.findings[0]?.message).toBe(
      "v.test.mjs > math > fails ✓ failed: expected 4 to be 5 // Object.is equality",
    );
  });

  test("jest-junit: a failure with only a body gives its first line", () => {
    const report = parseJUnit(output("jest", "jest-junit.xml"), options("jest"));
    expect(report).toMatchObject({ tests: 3, passed: 1, failed: 1, skipped: 1 });
    expect(report.findings[0]?.message).toBe(
      "math fails ✓ failed: Error: expect(received).toBe(expected) // Object.is equality",
    );
  });
});

describe("JUnit XML edge cases", () => {
  test("a root <testsuite> is itself the outer suite", () => {
    const xml = `<testsuite name="outer"><testcase name="a"/><testsuite name="inner"><testcase name="b"><skipped/></testcase></testsuite></testsuite>`;
    const report = parseJUnit(xml, options("x"));
    expect(report.cases.map((item) => [item.suites, item.outcome])).toEqual([
      [["outer"], "passed"],
      [["outer", "inner"], "skipped"],
    ]);
  });

  test("CDATA bodies and absolute file paths under the root", () => {
    const xml = `<testsuites><testsuite name="s"><testcase name="t" file="${ROOT}/test/a.test.ts" line="3"><failure><![CDATA[boom <raw> & more]]></failure></testcase></testsuite></testsuites>`;
    expect(parseJUnit(xml, options("x")).findings).toEqual([
      { file: "test/a.test.ts", line: 3, message: "t failed: boom <raw> & more", severity: "error", tool: "x" },
    ]);
  });

  test("truncated, empty and foreign documents are ParseErrors naming the tool", () => {
    const full = output("pytest", "junit-failures.xml");
    expect(() => parseJUnit(full.slice(0, full.length / 2), options("pytest"))).toThrow(ParseError);
    expect(() => parseJUnit("", options("pytest"))).toThrow("pytest: expected XML");
    expect(() => parseJUnit("<coverage/>", options("bun"))).toThrow(
      "bun: expected a <testsuites> or <testsuite> document, got <coverage>",
    );
    expect(() => parseJUnit("all tests passed", options("node"))).toThrow(ParseError);
  });
});

// Printable text without surrounding spaces; node's message="true" means "no message".
const text = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((value) => value.trim() === value && value !== "true" && [...value].every((char) => char >= " "));

const relativeFile = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}(\/[a-z0-9_-]{1,8}){0,3}\.(ts|py)$/);

type Generated = { name: string; file?: string; line?: number; outcome: TestCaseResult["outcome"]; message?: string };

function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function renderCase(item: TestCaseResult): string {
  const attributes = `name="${escapeXml(item.name)}"${item.file ? ` file="${escapeXml(item.file)}"` : ""}${item.line ? ` line="${item.line}"` : ""}`;
  const message = item.message === undefined ? "" : ` message="${escapeXml(item.message)}"`;
  const body = {
    passed: "",
    failed: `<failure${message}/>`,
    error: `<error${message}/>`,
    skipped: `<skipped${message}/>`,
  }[item.outcome];
  return `<testcase ${attributes}>${body}</testcase>`;
}

describe("JUnit property: render a run, parse it back", () => {
  const testCase = fc.record({
    name: text,
    file: fc.option(relativeFile, { nil: undefined }),
    line: fc.option(fc.integer({ min: 1, max: 9999 }), { nil: undefined }),
    outcome: fc.constantFrom("passed", "failed", "error", "skipped" as const),
    message: fc.option(text, { nil: undefined }),
  });
  const suite = fc.record({
    name: text,
    cases: fc.array(testCase, { maxLength: 5 }),
    inner: fc.array(fc.record({ name: text, cases: fc.array(testCase, { maxLength: 4 }) }), { maxLength: 3 }),
  });

  test("every case comes back with its suites, outcome, message, file and line; counts add up", () => {
    fc.assert(
      fc.property(fc.array(suite, { maxLength: 4 }), (suites) => {
        const expected: TestCaseResult[] = [];
        const normal = (item: Generated, path: string[]) => {
          const result: TestCaseResult = { suites: path, name: item.name, outcome: item.outcome };
          if (item.file !== undefined) result.file = item.file;
          if (item.line !== undefined) result.line = item.line;
          if (item.message !== undefined && item.outcome !== "passed") result.message = item.message;
          return result;
        };
        const xml = `<?xml version="1.0"?><testsuites>${suites
          .map((outer) => {
            expected.push(...outer.cases.map((item) => normal(item, [outer.name])));
            const inner = outer.inner.map((nested) => {
              expected.push(...nested.cases.map((item) => normal(item, [outer.name, nested.name])));
              return `<testsuite name="${escapeXml(nested.name)}">${nested.cases.map((item) => renderCase(normal(item, []))).join("")}</testsuite>`;
            });
            return `<testsuite name="${escapeXml(outer.name)}">${outer.cases.map((item) => renderCase(normal(item, []))).join("")}${inner.join("")}</testsuite>`;
          })
          .join("")}</testsuites>`;
        const report = parseJUnit(xml, { root: "/nowhere", tool: "prop" });
        expect(report.cases).toEqual(expected);
        expect(report.passed + report.failed + report.errors + report.skipped).toBe(report.tests);
        expect(report.findings.length).toBe(report.failed + report.errors);
      }),
      { numRuns: 150 },
    );
  });
});

describe("jest --json and vitest --reporter=json (jest 30, vitest 4.1.12, real runs)", () => {
  test("jest: cases per file with their describe blocks; the same outcome counts as its JUnit file", () => {
    const report = parseJestJson(output("jest", "results.json"), options("jest"));
    const junit = parseJUnit(output("jest", "jest-junit.xml"), options("jest"));
    expect([report.tests, report.passed, report.failed, report.skipped]).toEqual([
      junit.tests,
      junit.passed,
      junit.failed,
      junit.skipped,
    ]);
    expect(report.cases[1]).toMatchObject({ suites: ["m.test.js", "math"], name: "fails ✓", file: "m.test.js" });
    expect(report.findings[0]?.message).toBe(
      "fails ✓ failed: Error: expect(received).toBe(expected) // Object.is equality",
    );
  });

  test("vitest: the same shape", () => {
    const report = parseJestJson(output("vitest", "results.json"), options("vitest"));
    expect(report).toMatchObject({ tests: 3, passed: 1, failed: 1, skipped: 1 });
    expect(report.findings[0]).toEqual({
      file: "v.test.mjs",
      message: "fails ✓ failed: AssertionError: expected 4 to be 5 // Object.is equality",
      severity: "error",
      tool: "vitest",
    });
  });

  test("a test file that failed to run counts as an errored case", () => {
    const text = JSON.stringify({
      numTotalTests: 0,
      testResults: [
        {
          name: `${ROOT}/a.test.js`,
          status: "failed",
          message: "  ● Test suite failed to run\n\n    Cannot find module 'x'",
          assertionResults: [],
        },
      ],
    });
    const report = parseJestJson(text, options("jest"));
    expect(report).toMatchObject({ tests: 1, errors: 1 });
    expect(report.findings[0]?.message).toBe("(test file failed to run) errored: ● Test suite failed to run");
  });

  test("truncated output is a ParseError", () => {
    expect(() => parseJestJson(output("jest", "results.json").slice(0, 300), options("jest"))).toThrow(
      /^jest: expected JSON/,
    );
  });
});
