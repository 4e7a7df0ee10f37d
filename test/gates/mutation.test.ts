import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ParseError } from "../../src/gates/findings.ts";
import { emptyCounts, mutationScore } from "../../src/gates/mutation.ts";
import { parseMutmutMeta, parseMutmutResults } from "../../src/gates/parse-mutmut.ts";
import { parseStrykerReport } from "../../src/gates/parse-stryker.ts";
import { OUTPUTS, output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

function metaFiles(dir: string): { path: string; text: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".meta"))
    .map((name) => ({ path: relative(dir, join(dir, name)), text: readFileSync(join(dir, name), "utf8") }));
}

describe("mutation score", () => {
  test("killed / (killed + survived + not covered + timeout); errors and ignored left out", () => {
    const counts = { ...emptyCounts(), killed: 6, survived: 1, noCoverage: 1, timeout: 2, errors: 5, ignored: 9 };
    expect(mutationScore(counts)).toBe(60);
    expect(mutationScore({ ...emptyCounts(), errors: 3, pending: 2 })).toBeUndefined();
  });
});

describe("stryker (StrykerJS 9.6.1, real run)", () => {
  test("a finished run: counts per status, the score, survived mutants as findings", () => {
    const report = parseStrykerReport(output("stryker", "mutation.json"), options);
    expect(report.counts).toEqual({ ...emptyCounts(), killed: 7, survived: 9 });
    expect(report.score).toBe(43.75);
    expect(report.partial).toBe(false);
    expect(report.findings).toHaveLength(9);
    expect(report.findings[0]).toEqual({
      file: "calc.mjs",
      line: 6,
      column: 7,
      rule: "ConditionalExpression",
      message: "Survived: ConditionalExpression (true)",
      severity: "warning",
      tool: "stryker",
    });
  });

  test("mutants still Pending make the run partial; NoCoverage lives; Timeout counts against", () => {
    const report = parseStrykerReport(output("stryker", "mutation-partial.json"), options);
    expect(report.counts).toMatchObject({ killed: 7, survived: 4, timeout: 1, noCoverage: 1, pending: 3 });
    expect(report.score).toBe((7 / 13) * 100);
    expect(report.partial).toBe(true);
    expect(report.findings.filter((item) => item.message.startsWith("No test covers"))).toHaveLength(1);
  });

  test("a mutant with no status yet counts as pending", () => {
    const report = JSON.parse(output("stryker", "mutation.json"));
    delete report.files["calc.mjs"].mutants[0].status;
    const parsed = parseStrykerReport(JSON.stringify(report), options);
    expect(parsed.counts).toMatchObject({ killed: 6, pending: 1 });
    expect(parsed.partial).toBe(true);
  });

  test("a run the gate stopped at its budget is partial even with every status final", () => {
    expect(parseStrykerReport(output("stryker", "mutation.json"), { ...options, stopped: true }).partial).toBe(true);
  });

  test("truncated JSON, an unknown status and another document are ParseErrors", () => {
    const text = output("stryker", "mutation.json");
    expect(() => parseStrykerReport(text.slice(0, 500), options)).toThrow(/^stryker: expected JSON/);
    expect(() => parseStrykerReport(text.replace('"Killed"', '"Exploded"'), options)).toThrow(
      /stryker: files\.calc\.mjs\.mutants\.0\.status: expected a status/,
    );
    expect(() => parseStrykerReport(output("eslint", "results.json"), options)).toThrow(
      "stryker: schemaVersion: missing",
    );
    expect(() => parseStrykerReport("null", options)).toThrow(
      "stryker: expected a mutation-testing report (schemaVersion, files), got null",
    );
  });
});

describe("mutmut 3 (documented formats)", () => {
  test(".meta files: mutmut's exit codes mapped to statuses, the file from the meta path", () => {
    const report = parseMutmutMeta(
      metaFiles(join(OUTPUTS, "mutmut")).filter((file) => !file.path.startsWith("partial")),
      options,
    );
    // 1,1,1,1 killed + 37 caught by type check; 0,0 survived; 33,33 no tests; 36 timeout; -11 segfault.
    expect(report.counts).toEqual({ ...emptyCounts(), killed: 5, survived: 2, noCoverage: 2, timeout: 1, errors: 1 });
    expect(report.score).toBe(50);
    expect(report.partial).toBe(false);
    expect(report.findings[0]).toEqual({
      file: "pkg/calc.py",
      rule: "survived",
      message: "Survived: pkg.calc.x_classify__mutmut_2 (mutmut show pkg.calc.x_classify__mutmut_2)",
      severity: "warning",
      tool: "mutmut",
    });
  });

  test("unchecked mutants (null exit code) make the run partial", () => {
    const report = parseMutmutMeta(metaFiles(join(OUTPUTS, "mutmut", "partial")), options);
    expect(report.counts.pending).toBe(3);
    expect(report.partial).toBe(true);
  });

  test("`mutmut results --all true` gives the same counts as the .meta files", () => {
    const fromText = parseMutmutResults(output("mutmut", "results-all.txt"), { all: true });
    const fromMeta = parseMutmutMeta(
      metaFiles(join(OUTPUTS, "mutmut")).filter((file) => !file.path.startsWith("partial")),
      options,
    );
    expect(fromText.counts).toEqual(fromMeta.counts);
    expect(fromText.score).toBe(50);
  });

  test("plain `mutmut results` lists no killed mutant: findings, but no score", () => {
    const report = parseMutmutResults(output("mutmut", "results.txt"), { all: false });
    expect(report.score).toBeUndefined();
    expect(report.findings.map((item) => item.rule)).toEqual(["survived", "survived", "no tests", "no tests"]);
  });

  test("other text, an empty meta list and a broken meta file are ParseErrors", () => {
    expect(() => parseMutmutResults("Traceback (most recent call last):", { all: true })).toThrow(ParseError);
    expect(() => parseMutmutMeta([], options)).toThrow("mutmut: expected mutants/*.meta files, found none");
    expect(() => parseMutmutMeta([{ path: "mutants/a.py.meta", text: '{"exit_code_by_key": {' }], options)).toThrow(
      /^mutmut: expected JSON/,
    );
  });
});
