import { describe, expect, test } from "bun:test";
import { coveragePyOutcome, exitCodeVerdict, pytestOutcome } from "../../src/gates/exit-codes.ts";
import { ParseError } from "../../src/gates/findings.ts";
import { parseCobertura } from "../../src/gates/parse-cobertura.ts";
import { parseJUnit } from "../../src/gates/parse-junit.ts";
import { parseUnittest } from "../../src/gates/parse-unittest.ts";
import { output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

describe("unittest (Python 3.11, real runs)", () => {
  test("FAILED with counts; a finding per FAIL/ERROR block with the test's own frame", () => {
    const report = parseUnittest(output("unittest", "failed.txt"), options);
    expect(report).toMatchObject({ tests: 4, failures: 1, errors: 1, skipped: 1, ok: false });
    expect(report.findings).toEqual([
      {
        file: "f/test_f.py",
        line: 8,
        rule: "ERROR",
        message: "test_err (test_f.T.test_err): ValueError: bad",
        severity: "error",
        tool: "unittest",
      },
      {
        file: "f/test_f.py",
        line: 6,
        rule: "FAIL",
        message: "test_fail (test_f.T.test_fail): AssertionError: 1 != 2",
        severity: "error",
        tool: "unittest",
      },
    ]);
  });

  test("OK with skips and expected failures", () => {
    expect(parseUnittest(output("unittest", "ok-skipped.txt"), options)).toEqual({
      tests: 3,
      failures: 0,
      errors: 0,
      skipped: 1,
      expectedFailures: 1,
      unexpectedSuccesses: 0,
      ok: true,
      findings: [],
    });
  });

  test("no tests: 'Ran 0 tests' (3.11 says OK, 3.12 says NO TESTS RAN); zero tests either way", () => {
    expect(parseUnittest(output("unittest", "no-tests.txt"), options)).toMatchObject({ tests: 0, ok: true });
    expect(parseUnittest("\n---\nRan 0 tests in 0.000s\n\nNO TESTS RAN\n", options)).toMatchObject({
      tests: 0,
      ok: false,
    });
  });

  test("a crash before the summary is a ParseError", () => {
    expect(() =>
      parseUnittest("Traceback (most recent call last):\nImportError: no module named x\n", options),
    ).toThrow(ParseError);
  });
});

describe("exit codes that mean more than pass/fail", () => {
  test("pytest: 5 is 'no tests collected', a distinct outcome, not a pass", () => {
    expect([0, 1, 2, 3, 4, 5, 9, null].map(pytestOutcome)).toEqual([
      "passed",
      "tests-failed",
      "interrupted",
      "internal-error",
      "usage-error",
      "no-tests-collected",
      "unknown",
      "interrupted",
    ]);
  });

  test("pytest 5 and its empty JUnit file agree: zero tests", () => {
    const report = parseJUnit(output("pytest", "junit-no-tests.xml"), { ...options, tool: "pytest" });
    expect(report.tests).toBe(0);
    expect(pytestOutcome(5)).toBe("no-tests-collected");
  });

  test("coverage.py: 2 is 'below --fail-under', and the report it wrote still parses (real run, exit 2)", () => {
    expect([0, 1, 2, 7, null].map(coveragePyOutcome)).toEqual([
      "ok",
      "error",
      "below-fail-under",
      "unknown",
      "unknown",
    ]);
    expect(parseCobertura(output("coverage-py", "coverage.xml"), options).lines.covered).toBe(8);
  });

  test("a custom gate's exit code: 0 passes by default, other passing codes can be named, a signal fails", () => {
    expect(exitCodeVerdict(0)).toBe("pass");
    expect(exitCodeVerdict(1)).toBe("fail");
    expect(exitCodeVerdict(3, [0, 3])).toBe("pass");
    expect(exitCodeVerdict(null)).toBe("fail");
  });
});
