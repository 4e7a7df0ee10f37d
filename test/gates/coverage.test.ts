import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { type FileCoverage, rangeCoverage } from "../../src/gates/coverage.ts";
import { ParseError } from "../../src/gates/findings.ts";
import { parseCobertura } from "../../src/gates/parse-cobertura.ts";
import { parseCoveragePyJson } from "../../src/gates/parse-coverage-json.ts";
import { parseLcov } from "../../src/gates/parse-lcov.ts";
import { output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

describe("lcov", () => {
  test("bun's lcov: line hits and totals, no function records (bun writes only FNF/FNH)", () => {
    const report = parseLcov(output("lcov", "bun.lcov.info"), options);
    expect(report.files.map((file) => file.file)).toEqual(["src/calc.ts"]);
    const [calc] = report.files;
    expect(calc?.functions).toEqual([]);
    expect(calc?.lines.slice(0, 3)).toEqual([
      { line: 1, hits: 2 },
      { line: 2, hits: 2 },
      { line: 5, hits: 2 },
    ]);
    expect(report.lines).toEqual({ covered: 7, total: 14, percent: 50 });
    expect(report.branches).toBeUndefined();
  });

  test("node's lcov: functions with hits, branches, several files", () => {
    const report = parseLcov(output("lcov", "node.lcov.info"), options);
    const calc = report.files.find((file) => file.file === "calc.mjs");
    expect(calc?.functions).toEqual([
      { name: "add", line: 1, hits: 2 },
      { name: "classify", line: 5, hits: 1 },
      { name: "neverCalled", line: 14, hits: 0 },
    ]);
    expect(calc?.branches).toEqual({ covered: 3, total: 4 });
    expect(report.lines).toEqual({ covered: 22, total: 27, percent: (22 / 27) * 100 });
    expect(report.branches).toEqual({ covered: 8, total: 9, percent: (8 / 9) * 100 });
  });

  test("absolute SF paths under the root become relative; paths outside stay as written", () => {
    const text = `SF:${ROOT}/src/a.ts\nDA:1,1\nend_of_record\nSF:/elsewhere/b.ts\nDA:1,0\nend_of_record\n`;
    expect(parseLcov(text, options).files.map((file) => file.file)).toEqual(["src/a.ts", "/elsewhere/b.ts"]);
  });

  test("two records of one file add their hits; lcov 2 FN with an end line; '-' branches not taken", () => {
    const text =
      "SF:a.ts\nFN:1,3,f\nFNDA:1,f\nDA:1,1\nDA:2,0\nBRDA:2,0,0,-\nend_of_record\nSF:a.ts\nFN:1,3,f\nFNDA:2,f\nDA:2,4\nBRDA:2,0,1,1\nend_of_record\n";
    const [file] = parseLcov(text, options).files;
    expect(file).toEqual({
      file: "a.ts",
      lines: [
        { line: 1, hits: 1 },
        { line: 2, hits: 4 },
      ],
      functions: [{ name: "f", line: 1, endLine: 3, hits: 3 }],
      branches: { covered: 1, total: 2 },
    });
  });

  test("empty, truncated and foreign input are ParseErrors", () => {
    const node = output("lcov", "node.lcov.info");
    expect(() => parseLcov("", options)).toThrow("lcov: expected lcov records, got nothing");
    expect(() => parseLcov(node.slice(0, node.lastIndexOf("end_of_record")), options)).toThrow(
      "lcov: truncated: the record of test/calc.test.mjs has no end_of_record",
    );
    expect(() => parseLcov('{"total": {}}', options)).toThrow(ParseError);
    expect(() => parseLcov("SF:a.ts\nDA:x,1\nend_of_record", options)).toThrow(
      "lcov: line 2: expected a non-negative integer",
    );
  });
});

describe("lcov property: render coverage, parse it back", () => {
  const fileCoverage = fc.record({
    lines: fc.uniqueArray(fc.record({ line: fc.integer({ min: 1, max: 500 }), hits: fc.nat(50) }), {
      selector: (item) => item.line,
      maxLength: 30,
    }),
    functions: fc.uniqueArray(
      fc.record({
        name: fc.stringMatching(/^[A-Za-z_$][\w$]{0,10}$/),
        line: fc.integer({ min: 1, max: 500 }),
        hits: fc.nat(9),
      }),
      { selector: (item) => item.name, maxLength: 5 },
    ),
  });
  const files = fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z]{1,6}(\/[a-z]{1,6}){0,2}\.ts$/), fileCoverage), {
    selector: ([name]) => name,
    maxLength: 6,
  });

  test("files, sorted line hits and functions survive the round trip; totals count hit lines", () => {
    fc.assert(
      fc.property(files, (generated) => {
        fc.pre(generated.length > 0);
        const text = generated
          .map(([name, file]) =>
            [
              "TN:",
              `SF:${ROOT}/${name}`,
              ...file.functions.map((fn) => `FN:${fn.line},${fn.name}`),
              ...file.functions.map((fn) => `FNDA:${fn.hits},${fn.name}`),
              ...file.lines.map((line) => `DA:${line.line},${line.hits}`),
              `LF:${file.lines.length}`,
              "end_of_record",
            ].join("\n"),
          )
          .join("\n");
        const report = parseLcov(text, options);
        const expected: FileCoverage[] = generated.map(([name, file]) => ({
          file: name,
          lines: [...file.lines].sort((a, b) => a.line - b.line),
          functions: file.functions,
        }));
        expect(report.files).toEqual(expected);
        const all = generated.flatMap(([, file]) => file.lines);
        expect(report.lines.total).toBe(all.length);
        expect(report.lines.covered).toBe(all.filter((line) => line.hits > 0).length);
      }),
      { numRuns: 150 },
    );
  });
});

describe("Cobertura XML from coverage.py", () => {
  test("files relative to <source>, line hits, branch counts from condition-coverage", () => {
    const report = parseCobertura(output("coverage-py", "coverage.xml"), { ...options, tool: "coverage.py" });
    expect(report.files.map((file) => file.file)).toEqual(["pkg/__init__.py", "pkg/calc.py"]);
    const calc = report.files[1];
    expect(calc?.lines).toHaveLength(14);
    expect(calc?.lines.find((line) => line.line === 10)).toEqual({ line: 10, hits: 0 });
    expect(calc?.branches).toEqual({ covered: 3, total: 8 });
    expect(report.lines).toEqual({ covered: 8, total: 14, percent: (8 / 14) * 100 });
    expect(report.branches).toEqual({ covered: 3, total: 8, percent: 37.5 });
  });

  test("methods become functions spanning their lines; classes of one file merge", () => {
    const xml = `<coverage><sources><source>${ROOT}/src</source></sources><packages><package name="p"><classes>
      <class name="A" filename="a/A.java"><methods><method name="run" signature="()V"><lines><line number="3" hits="2"/><line number="4" hits="0"/></lines></method></methods>
        <lines><line number="3" hits="2"/><line number="4" hits="0"/></lines></class>
      <class name="A$Inner" filename="a/A.java"><methods/><lines><line number="9" hits="1"/></lines></class>
    </classes></package></packages></coverage>`;
    expect(parseCobertura(xml, options).files).toEqual([
      {
        file: "src/a/A.java",
        lines: [
          { line: 3, hits: 2 },
          { line: 4, hits: 0 },
          { line: 9, hits: 1 },
        ],
        functions: [{ name: "run", line: 3, endLine: 4, hits: 2 }],
      },
    ]);
  });

  test("a clean report with nothing measured is 100%, not an error", () => {
    const report = parseCobertura(
      '<?xml version="1.0" ?><coverage version="6.5.0"><sources/><packages/></coverage>',
      options,
    );
    expect(report).toEqual({ files: [], lines: { covered: 0, total: 0, percent: 100 } });
  });

  test("truncated or foreign XML is a ParseError naming the tool", () => {
    const xml = output("coverage-py", "coverage.xml");
    expect(() => parseCobertura(xml.slice(0, 900), { ...options, tool: "coverage.py" })).toThrow(
      /^coverage.py: malformed XML/,
    );
    expect(() => parseCobertura(output("pytest", "junit-failures.xml"), options)).toThrow(
      "cobertura: expected a <coverage> document, got <testsuites>",
    );
  });
});

describe("coverage.py JSON", () => {
  test("executed and missing lines, branch summary, and coverage.py's own percentage", () => {
    const report = parseCoveragePyJson(output("coverage-py", "coverage.json"), options);
    expect(report.percentCovered).toBe(50);
    expect(report.lines).toEqual({ covered: 8, total: 14, percent: (8 / 14) * 100 });
    expect(report.branches).toEqual({ covered: 3, total: 8, percent: 37.5 });
    expect(report.files[1]?.lines.filter((line) => line.hits === 0).map((line) => line.line)).toEqual([
      10, 11, 12, 16, 17, 18,
    ]);
  });

  test("the same numbers as the Cobertura report of the same run", () => {
    const json = parseCoveragePyJson(output("coverage-py", "coverage.json"), options);
    const xml = parseCobertura(output("coverage-py", "coverage.xml"), options);
    expect(json.files.map((file) => [file.file, file.lines.map((line) => [line.line, line.hits > 0])])).toEqual(
      xml.files.map((file) => [file.file, file.lines.map((line) => [line.line, line.hits > 0])]),
    );
  });

  test("truncated JSON and the wrong document are ParseErrors", () => {
    const text = output("coverage-py", "coverage.json");
    expect(() => parseCoveragePyJson(text.slice(0, 200), options)).toThrow(/^coverage.py: expected JSON, got/);
    expect(() => parseCoveragePyJson("[]", options)).toThrow("coverage.py: files: missing");
    expect(() => parseCoveragePyJson('"done"', options)).toThrow(
      'coverage.py: expected a coverage.py JSON report with files and totals, got "done"',
    );
  });
});

describe("rangeCoverage", () => {
  const file: FileCoverage = {
    file: "a.py",
    lines: [
      { line: 1, hits: 1 },
      { line: 2, hits: 0 },
      { line: 3, hits: 5 },
      { line: 7, hits: 0 },
    ],
    functions: [],
  };

  test("the share of instrumented lines in the range that ran; undefined with none", () => {
    expect(rangeCoverage(file, 1, 3)).toBe(2 / 3);
    expect(rangeCoverage(file, 3, 7)).toBe(0.5);
    expect(rangeCoverage(file, 4, 6)).toBeUndefined();
  });
});
