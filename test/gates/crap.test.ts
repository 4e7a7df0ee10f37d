import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { coverageReport } from "../../src/gates/coverage.ts";
import { computeCrap, crapScore } from "../../src/gates/crap.ts";
import { ParseError } from "../../src/gates/findings.ts";
import { parseCobertura } from "../../src/gates/parse-cobertura.ts";
import { parseLcov } from "../../src/gates/parse-lcov.ts";
import { parseLizardCsv, parseLizardXml } from "../../src/gates/parse-lizard.ts";
import { output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

describe("lizard", () => {
  test("CSV (with --verbose header): functions with file, line range, CCN and NLOC; './' dropped", () => {
    const report = parseLizardCsv(output("lizard", "calc-py.csv"), options);
    expect(report.functions).toEqual([
      { file: "pkg/calc.py", name: "add", startLine: 1, endLine: 2, ccn: 1, nloc: 2 },
      { file: "pkg/calc.py", name: "classify", startLine: 5, endLine: 12, ccn: 4, nloc: 8 },
      { file: "pkg/calc.py", name: "never_called", startLine: 15, endLine: 18, ccn: 2, nloc: 4 },
    ]);
    expect(report.maxCcn).toBe(4);
    expect(report.findings).toEqual([]);
  });

  test("CSV without header; functions over the CCN limit are findings", () => {
    const report = parseLizardCsv(output("lizard", "calc-ts.csv"), { ...options, ccnLimit: 3 });
    expect(report.functions.map((fn) => [fn.name, fn.startLine, fn.endLine])).toEqual([
      ["add", 1, 3],
      ["classify", 5, 14],
      ["neverCalled", 16, 21],
    ]);
    expect(report.findings).toEqual([
      {
        file: "src/calc.ts",
        line: 5,
        rule: "ccn",
        message: "classify has cyclomatic complexity 4 (limit 3)",
        severity: "warning",
        tool: "lizard",
      },
    ]);
  });

  test("XML (cppncss): the same functions and CCN, start line only", () => {
    const xml = parseLizardXml(output("lizard", "calc-py.xml"), options);
    const csv = parseLizardCsv(output("lizard", "calc-py.csv"), options);
    expect(xml.functions).toEqual(csv.functions.map(({ endLine: _end, ...fn }) => fn));
  });

  test("no function at all is an empty report; other text is a ParseError", () => {
    expect(parseLizardCsv("", options).functions).toEqual([]);
    expect(() => parseLizardCsv("lizard: error: unrecognized arguments: --csvv", options)).toThrow(ParseError);
    expect(() => parseLizardXml(output("coverage-py", "coverage.xml"), options)).toThrow(
      "lizard: expected a <cppncss> document, got <coverage>",
    );
  });
});

describe("CRAP from lizard and coverage", () => {
  test("coverage.py's report: each function's line coverage within its range, worst first", () => {
    const crap = computeCrap(
      parseLizardCsv(output("lizard", "calc-py.csv"), options).functions,
      parseCobertura(output("coverage-py", "coverage.xml"), options),
    );
    // classify spans lines 5-12, all instrumented, 5 of them ran; never_called ran only its def line.
    expect(crap.functions.map((fn) => [fn.name, fn.coverage, fn.crap])).toEqual([
      ["classify", 5 / 8, 16 * (3 / 8) ** 3 + 4],
      ["never_called", 1 / 4, 4 * (3 / 4) ** 3 + 2],
      ["add", 1, 1],
    ]);
    expect(crap.unmatched).toEqual([]);
    expect(crap.maxCrap).toBe(crapScore(4, 5 / 8));
  });

  test("bun's lcov (no FN records) with lizard's TypeScript ranges", () => {
    const crap = computeCrap(
      parseLizardCsv(output("lizard", "calc-ts.csv"), options).functions,
      parseLcov(output("lcov", "bun.lcov.info"), options),
      { limit: 5 },
    );
    expect(crap.functions.map((fn) => [fn.name, fn.coverage])).toEqual([
      ["neverCalled", 0],
      ["classify", 5 / 8],
      ["add", 1],
    ]);
    expect(crap.findings).toEqual([
      {
        file: "src/calc.ts",
        line: 16,
        rule: "crap",
        message: "neverCalled: CRAP 6 (CCN 2, line coverage 0%) above 5",
        severity: "warning",
        tool: "crap",
      },
    ]);
  });

  test("unmatched functions (no coverage for the file, no instrumented line, no end line) count as uncovered", () => {
    const coverage = coverageReport([{ file: "a.py", lines: [{ line: 1, hits: 3 }], functions: [] }]);
    const crap = computeCrap(
      [
        { file: "a.py", name: "covered", startLine: 1, endLine: 1, ccn: 3, nloc: 1 },
        { file: "a.py", name: "blank", startLine: 5, endLine: 9, ccn: 3, nloc: 4 },
        { file: "b.py", name: "elsewhere", startLine: 1, endLine: 4, ccn: 2, nloc: 4 },
        { file: "a.py", name: "from-xml", startLine: 1, ccn: 5, nloc: 1 },
      ],
      coverage,
    );
    expect(crap.unmatched.map((fn) => [fn.name, fn.crap])).toEqual([
      ["from-xml", 30],
      ["blank", 12],
      ["elsewhere", 6],
    ]);
    expect(crap.functions.find((fn) => fn.name === "covered")).toMatchObject({ matched: true, crap: 3 });
  });
});

describe("CRAP properties", () => {
  const ccn = fc.integer({ min: 1, max: 200 });
  const share = fc.double({ min: 0, max: 1, noNaN: true });

  test("never below CCN; exactly CCN at full coverage; CCN^2 + CCN at none", () => {
    fc.assert(
      fc.property(ccn, share, (complexity, coverage) => {
        expect(crapScore(complexity, coverage)).toBeGreaterThanOrEqual(complexity);
        expect(crapScore(complexity, 1)).toBe(complexity);
        expect(crapScore(complexity, 0)).toBe(complexity ** 2 + complexity);
      }),
    );
  });

  test("more coverage never raises CRAP", () => {
    fc.assert(
      fc.property(ccn, share, share, (complexity, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(crapScore(complexity, high)).toBeLessThanOrEqual(crapScore(complexity, low));
      }),
    );
  });

  test("hitting one more line of a function never raises its CRAP", () => {
    fc.assert(
      fc.property(ccn, fc.array(fc.nat(3), { minLength: 1, maxLength: 40 }), fc.nat(39), (complexity, hits, pick) => {
        const lines = hits.map((count, index) => ({ line: index + 1, hits: count }));
        const fn = {
          file: "f.ts",
          name: "f",
          startLine: 1,
          endLine: lines.length,
          ccn: complexity,
          nloc: lines.length,
        };
        const before = computeCrap([fn], coverageReport([{ file: "f.ts", lines, functions: [] }]));
        const more = lines.map((line, index) =>
          index === pick % lines.length ? { ...line, hits: line.hits + 1 } : line,
        );
        const after = computeCrap([fn], coverageReport([{ file: "f.ts", lines: more, functions: [] }]));
        expect(after.maxCrap).toBeLessThanOrEqual(before.maxCrap);
      }),
    );
  });
});
