import { describe, expect, test } from "bun:test";
import { ParseError, projectPath } from "../../src/gates/findings.ts";
import { parseBiome } from "../../src/gates/parse-biome.ts";
import { parseEslint } from "../../src/gates/parse-eslint.ts";
import { parseOxlint } from "../../src/gates/parse-oxlint.ts";
import { parsePyright } from "../../src/gates/parse-pyright.ts";
import { parseRuffCheck, parseRuffFormatCheck } from "../../src/gates/parse-ruff.ts";
import { parseSarif } from "../../src/gates/parse-sarif.ts";
import { parseTsc } from "../../src/gates/parse-tsc.ts";
import { output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

describe("projectPath", () => {
  test("relative under the root, unchanged outside, Windows paths without case, file:// URIs decoded", () => {
    expect(projectPath(`${ROOT}/src/a.ts`, ROOT)).toBe("src/a.ts");
    expect(projectPath(`${ROOT}/src/a.ts`, `${ROOT}/`)).toBe("src/a.ts");
    expect(projectPath("/home/dev/project-two/a.ts", ROOT)).toBe("/home/dev/project-two/a.ts");
    expect(projectPath("./pkg/a.py", ROOT)).toBe("pkg/a.py");
    expect(projectPath("C:\\Users\\Dev\\proj\\src\\a.ts", "c:/users/dev/proj")).toBe("src/a.ts");
    expect(projectPath("file:///C:/Users/Dev%20User/proj/x.ts", "C:\\Users\\Dev User\\proj")).toBe("x.ts");
    expect(projectPath(`file://${ROOT}/a%20b.py`, ROOT)).toBe("a b.py");
  });
});

describe("ruff (documented formats)", () => {
  test("check JSON: rule codes, 1-based positions, syntax errors, unicode, paths outside the root kept", () => {
    const report = parseRuffCheck(output("ruff", "check.json"), options);
    expect(report.byRule).toEqual({ F401: 1, RUF001: 1, F821: 1, "syntax-error": 1, E501: 1 });
    expect(report.findings[1]).toEqual({
      file: "pkg/fib.py",
      line: 4,
      column: 21,
      rule: "RUF001",
      message: "String contains ambiguous `–` (EN DASH). Did you mean `-` (HYPHEN-MINUS)?",
      severity: "error",
      tool: "ruff",
    });
    expect(report.findings[3]).toMatchObject({ file: "pkg/syntax_errors.py", rule: "syntax-error" });
    expect(report.findings[4]?.file).toBe("/opt/vendored/other/python_linter.py");
  });

  test("check JSON: a clean run, a truncated document, an object instead of the array", () => {
    expect(parseRuffCheck(output("ruff", "check-clean.json"), options)).toEqual({ findings: [], byRule: {} });
    const text = output("ruff", "check.json");
    expect(() => parseRuffCheck(text.slice(0, 300), options)).toThrow(/^ruff: expected JSON, got/);
    expect(() => parseRuffCheck('{"diagnostics": []}', options)).toThrow(
      "ruff: expected a JSON array of diagnostics, got Object",
    );
    expect(() => parseRuffCheck("", options)).toThrow("ruff: expected JSON output, got nothing");
  });

  test("format --check, 'Would reformat:' lines", () => {
    const report = parseRuffFormatCheck(output("ruff", "format-check.txt"), options);
    expect(report.unformatted).toEqual(["app/routers/api_catalog.py", "tests/test_api.py"]);
    expect(report.alreadyFormatted).toBe(108);
    expect(report.findings[0]).toEqual({
      file: "app/routers/api_catalog.py",
      rule: "format",
      message: "File would be reformatted",
      severity: "error",
      tool: "ruff",
    });
  });

  test("format --check, diagnostics with diffs (newer ruff)", () => {
    const report = parseRuffFormatCheck(output("ruff", "format-check-diagnostics.txt"), options);
    expect(report.unformatted).toEqual([
      "src/sase/ace/tui/actions/agent_workflow/_launch_body_impl.py",
      "tests/test_force_reuse_launch_seam.py",
    ]);
    expect(report.findings.map((item) => item.line)).toEqual([69, 137]);
    expect(report.alreadyFormatted).toBe(7866);
  });

  test("format --check: clean, no Python files, and output that is not ruff's", () => {
    expect(parseRuffFormatCheck(output("ruff", "format-check-clean.txt"), options)).toEqual({
      unformatted: [],
      alreadyFormatted: 110,
      findings: [],
    });
    expect(
      parseRuffFormatCheck("warning: No Python files found under the given path(s)\n", options).unformatted,
    ).toEqual([]);
    expect(() => parseRuffFormatCheck("", options)).toThrow(ParseError);
    expect(() => parseRuffFormatCheck("Would reformat: a.py\n", options)).toThrow(/ending in a summary/);
    expect(() =>
      parseRuffFormatCheck("Would reformat: a.py\n3 files would be reformatted, 1 file already formatted\n", options),
    ).toThrow("ruff: the summary says 3 files would be reformatted, but 1 are listed");
  });
});

describe("basedpyright --outputjson (basedpyright 1.40.1, real run)", () => {
  test("0-based ranges become 1-based lines; rules, severities and the summary's counts", () => {
    const report = parsePyright(output("basedpyright", "errors.json"), options);
    expect(report).toMatchObject({ version: "1.40.1", filesAnalyzed: 1, errors: 3, warnings: 2, information: 0 });
    expect(report.findings).toHaveLength(5);
    const error = report.findings.find((item) => item.severity === "error");
    expect(error).toMatchObject({
      file: "pkg/typed.py",
      line: 2,
      column: 12,
      rule: "reportReturnType",
      tool: "basedpyright",
    });
    expect(error?.message).toBe(
      // pyright indents the second line with no-break spaces; the message is kept as written.
      'Type "str" is not assignable to return type "int"\n\u00a0\u00a0"str" is not assignable to "int"',
    );
  });

  test("a clean run (a blank line before the JSON) and a truncated one", () => {
    expect(parsePyright(output("basedpyright", "clean.json"), options)).toMatchObject({ errors: 0, findings: [] });
    expect(() => parsePyright(output("basedpyright", "errors.json").slice(0, 400), options)).toThrow(
      /^basedpyright: expected JSON/,
    );
  });
});

describe("tsc --pretty false (TypeScript 6.0.2, real run)", () => {
  test("located errors with continuation lines joined into the message", () => {
    const report = parseTsc(output("tsc", "errors.txt"), options);
    expect(report.errors).toBe(3);
    expect(report.findings[2]).toEqual({
      file: "src/shape.ts",
      line: 2,
      column: 14,
      rule: "TS2322",
      message:
        "Type '{ kind: \"circle\"; radius: string; }' is not assignable to type 'Shape'.\nTypes of property 'radius' are incompatible.\nType 'string' is not assignable to type 'number'.",
      severity: "error",
      tool: "tsc",
    });
  });

  test("a config error names tsconfig.json; a clean run is empty output", () => {
    expect(parseTsc(output("tsc", "config-error.txt"), options).findings[0]).toMatchObject({
      file: "tsconfig.json",
      rule: "TS5025",
    });
    expect(parseTsc("", options)).toEqual({ errors: 0, findings: [] });
    expect(parseTsc("error TS6053: File 'missing.ts' not found.\n", options).findings[0]).toEqual({
      rule: "TS6053",
      message: "File 'missing.ts' not found.",
      severity: "error",
      tool: "tsc",
    });
  });

  test("pretty (coloured) output is not the format asked for", () => {
    expect(() => parseTsc("\u001b[96msrc/a.ts\u001b[0m:\u001b[93m1\u001b[0m - error TS2322: x", options)).toThrow(
      ParseError,
    );
  });
});

describe("biome --reporter=json (biome 2.6.8, real run)", () => {
  test("counts from the summary; lint rules with positions; formatter diagnostics without a line", () => {
    const report = parseBiome(output("biome", "check.json"), options);
    expect(report).toMatchObject({ errors: 5, warnings: 2, notPrinted: 0 });
    expect(report.findings[0]).toEqual({
      file: "src/index.ts",
      line: 5,
      column: 1,
      rule: "lint/style/useConst",
      message: "This let declares a variable that is only assigned once.",
      severity: "warning",
      tool: "biome",
    });
    expect(report.findings.find((item) => item.rule === "format")).toEqual({
      file: "src/calc.ts",
      rule: "format",
      message: "Formatter would have printed the following content:",
      severity: "error",
      tool: "biome",
    });
  });

  test("a clean run; biome's human output is a ParseError", () => {
    expect(parseBiome(output("biome", "clean.json"), options)).toEqual({
      errors: 0,
      warnings: 0,
      notPrinted: 0,
      findings: [],
    });
    expect(() => parseBiome("check ━━━━━━━━━━━━\n  × Some errors were emitted while running checks.", options)).toThrow(
      ParseError,
    );
  });
});

describe("eslint -f json (eslint 10.15.0, real run)", () => {
  test("errors, warnings and a fatal parse error; absolute paths made relative", () => {
    const report = parseEslint(output("eslint", "results.json"), options);
    expect(report).toMatchObject({ errors: 5, warnings: 1, fatal: 1 });
    expect(report.findings.map((item) => [item.file, item.line, item.rule, item.severity])).toEqual([
      ["js/a.mjs", 1, "no-unused-vars", "error"],
      ["js/a.mjs", 3, "eqeqeq", "error"],
      ["js/a.mjs", 3, "no-undef", "error"],
      ["js/a.mjs", 3, "no-console", "warning"],
      ["js/a.mjs", 4, "no-undef", "error"],
      ["js/broken.mjs", 1, "parse-error", "error"],
    ]);
  });

  test("a clean file is no finding", () => {
    expect(parseEslint(output("eslint", "clean.json"), options)).toEqual({
      errors: 0,
      warnings: 0,
      fatal: 0,
      findings: [],
    });
  });
});

describe("oxlint --format json (oxlint 1.94.0, real run)", () => {
  test("codes as rules, the first label's position, a parse error without a code", () => {
    const report = parseOxlint(output("oxlint", "results.json"), options);
    expect(report).toMatchObject({ files: 7, errors: 1, warnings: 2 });
    expect(report.findings[0]).toEqual({
      file: "src/index.ts",
      line: 5,
      column: 5,
      rule: "eslint(no-unused-vars)",
      message: "Variable 'unused' is declared but never used. Unused variables should start with a '_'.",
      severity: "warning",
      tool: "oxlint",
    });
    expect(report.findings[2]).toMatchObject({ file: "js/broken.mjs", rule: "parse-error", severity: "error" });
  });

  test("a clean run", () => {
    expect(parseOxlint(output("oxlint", "clean.json"), options)).toEqual({
      files: 1,
      errors: 0,
      warnings: 0,
      findings: [],
    });
  });
});

describe("SARIF 2.1.0", () => {
  test("biome's SARIF (real run): levels, rules, regions; the same findings as its JSON reporter", () => {
    const report = parseSarif(output("sarif", "biome.sarif"), options);
    expect(report.tools).toEqual(["Biome"]);
    expect(report.findings.map((item) => [item.file, item.line, item.column, item.rule, item.severity])).toEqual([
      ["src/index.ts", 5, 1, "lint/style/useConst", "warning"],
      ["src/index.ts", 5, 5, "lint/correctness/noUnusedVariables", "warning"],
      ["src/index.ts", 6, 11, "lint/suspicious/noDoubleEquals", "error"],
      ["src/index.ts", undefined, undefined, "format", "error"],
    ]);
    expect(report.findings[0]?.tool).toBe("Biome");
  });

  test("Windows file:// URIs with percent-encoding, relative to a Windows root", () => {
    const report = parseSarif(output("sarif", "biome-windows.sarif"), { root: "C:\\Users\\Dev User\\proj" });
    expect(report.findings.map((item) => item.file)).toEqual(Array(4).fill("src/index.ts"));
  });

  test("uriBaseId resolution, default levels from the rule, kinds that are not findings", () => {
    const log = {
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "semgrep", rules: [{ id: "r1", defaultConfiguration: { level: "error" } }] } },
          originalUriBaseIds: { SRCROOT: { uri: `file://${ROOT}/` } },
          results: [
            {
              ruleIndex: 0,
              message: { text: "from the rule's level" },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: "src/a%20b.ts", uriBaseId: "SRCROOT" },
                    region: { startLine: 3 },
                  },
                },
              ],
            },
            { ruleId: "r2", message: { text: "no level anywhere" } },
            { ruleId: "r3", kind: "pass", message: { text: "passed" } },
            { ruleId: "r4", level: "note", message: { text: "ünïcode note" } },
          ],
        },
        { tool: { driver: { name: "empty" } }, results: [] },
      ],
    };
    const report = parseSarif(JSON.stringify(log), options);
    expect(report.tools).toEqual(["semgrep", "empty"]);
    expect(report.findings).toEqual([
      { file: "src/a b.ts", line: 3, rule: "r1", message: "from the rule's level", severity: "error", tool: "semgrep" },
      { rule: "r2", message: "no level anywhere", severity: "warning", tool: "semgrep" },
      { rule: "r4", message: "ünïcode note", severity: "info", tool: "semgrep" },
    ]);
  });

  test("another version, truncated JSON, or not SARIF at all", () => {
    expect(() => parseSarif('{"version": "2.0.0", "runs": []}', { ...options, tool: "custom" })).toThrow(
      'custom: version: expected SARIF version 2.1.0, got "2.0.0"',
    );
    expect(() => parseSarif(output("sarif", "biome.sarif").slice(0, 100), options)).toThrow(/^sarif: expected JSON/);
    expect(() => parseSarif("[]", options)).toThrow(ParseError);
  });
});
