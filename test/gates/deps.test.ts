import { describe, expect, test } from "bun:test";
import { ParseError } from "../../src/gates/findings.ts";
import { parseNpmAudit, parsePipAudit, parsePnpmAudit, parseYarnAudit } from "../../src/gates/parse-audit.ts";
import { parseDependencyCruiser } from "../../src/gates/parse-dependency-cruiser.ts";
import { parseDeptry } from "../../src/gates/parse-deptry.ts";
import { parseImportLinter } from "../../src/gates/parse-import-linter.ts";
import { parseKnip } from "../../src/gates/parse-knip.ts";
import { output, ROOT } from "./fixtures.ts";

const options = { root: ROOT };

describe("deptry --json-output (documented format)", () => {
  test("codes, modules, and no line for pyproject.toml findings", () => {
    const report = parseDeptry(output("deptry", "report.json"), options);
    expect(report.byCode).toEqual({ DEP002: 2, DEP004: 1, DEP001: 1 });
    expect(report.findings[0]).toEqual({
      file: "pyproject.toml",
      rule: "DEP002",
      message: "'isort' defined as a dependency but not used in the codebase",
      severity: "error",
      tool: "deptry",
    });
    expect(report.findings[3]).toMatchObject({ file: "src/main.py", line: 6, rule: "DEP001" });
  });

  test("a clean run and a truncated file", () => {
    expect(parseDeptry(output("deptry", "clean.json"), options)).toEqual({ byCode: {}, findings: [] });
    expect(() => parseDeptry(output("deptry", "report.json").slice(0, 150), options)).toThrow(/^deptry: expected JSON/);
  });
});

describe("import-linter lint-imports (documented format)", () => {
  test("kept and broken contracts, the broken imports as findings, warnings ignored", () => {
    const report = parseImportLinter(output("import-linter", "broken.txt"));
    expect(report.kept).toBe(1);
    expect(report.broken).toBe(1);
    expect(report.contracts).toEqual([
      { name: "Layering", kept: true },
      { name: "No low in high", kept: false },
    ]);
    expect(report.findings).toEqual([
      {
        rule: "No low in high",
        message: "No low in high: mypkg.high -> mypkg.low (line 1 of mypkg.high)",
        severity: "error",
        tool: "import-linter",
      },
    ]);
  });

  test("all kept; a configuration it cannot run is an error, not a pass", () => {
    expect(parseImportLinter(output("import-linter", "kept.txt"))).toMatchObject({ kept: 2, broken: 0, findings: [] });
    expect(() => parseImportLinter(output("import-linter", "not-configured.txt"))).toThrow(
      'import-linter: no "Contracts: N kept, M broken." summary (it could not run?): "Contract \\"Layering\\" is not configured correctly:"',
    );
  });

  test("a broken contract whose details are missing still yields a finding", () => {
    const text = "Strict BROKEN\n\nContracts: 0 kept, 1 broken.\n";
    expect(parseImportLinter(text).findings).toEqual([
      { rule: "Strict", message: "Strict: contract broken", severity: "error", tool: "import-linter" },
    ]);
  });
});

describe("knip --reporter json (knip 6.44.2, real run)", () => {
  test("unused files, dependencies and exports, unlisted and unresolved imports", () => {
    const report = parseKnip(output("knip", "issues.json"), options);
    expect(report.byType).toEqual({ files: 1, dependencies: 1, unlisted: 1, unresolved: 1, exports: 3 });
    expect(report.findings.map((item) => [item.file, item.line, item.message])).toEqual([
      ["src/shape.ts", undefined, "Unused file: src/shape.ts"],
      ["package.json", undefined, "Unused dependency: left-pad"],
      ["src/extra.ts", 1, "Unlisted dependency: lodash"],
      ["src/extra.ts", 2, "Unresolved import: ./missing.ts"],
      ["src/calc.ts", 5, "Unused export: classify"],
      ["src/calc.ts", 16, "Unused export: neverCalled"],
      ["src/unused-file.ts", 2, "Unused export: unusedExport"],
    ]);
  });

  test("duplicates are grouped; a clean run; not knip's JSON", () => {
    const duplicates = JSON.stringify({
      issues: [{ file: "a.ts", duplicates: [[{ name: "x" }, { name: "default" }]] }],
    });
    expect(parseKnip(duplicates, options).findings[0]?.message).toBe("Duplicate export: x, default");
    expect(parseKnip(output("knip", "clean.json"), options)).toEqual({ byType: {}, findings: [] });
    expect(() => parseKnip("[]", options)).toThrow(ParseError);
  });
});

describe("dependency-cruiser --output-type json (17.4.3, real run)", () => {
  test("counts decide (the json reporter exited 0); cycles, unresolvable imports and orphans as findings", () => {
    const report = parseDependencyCruiser(output("dependency-cruiser", "violations.json"), options);
    expect(report).toMatchObject({ errors: 2, warnings: 3, infos: 0, modulesCruised: 6 });
    expect(report.findings.map((item) => [item.file, item.severity, item.message])).toEqual([
      ["js/a2.mjs", "error", "no-circular: cycle js/a2.mjs -> js/b.mjs -> js/a2.mjs"],
      ["js/b.mjs", "error", "not-to-unresolvable: js/b.mjs -> ./nowhere.mjs"],
      ["js/a.mjs", "warning", "no-orphans: js/a.mjs"],
      ["js/broken.mjs", "warning", "no-orphans: js/broken.mjs"],
      ["js/clean.mjs", "warning", "no-orphans: js/clean.mjs"],
    ]);
  });

  test("a truncated result is a ParseError", () => {
    expect(() =>
      parseDependencyCruiser(output("dependency-cruiser", "violations.json").slice(0, 1000), options),
    ).toThrow(/^dependency-cruiser: expected JSON/);
  });
});

describe("pip-audit --format json (documented format)", () => {
  test("one finding per advisory with aliases and fixes; skipped packages reported, not hidden", () => {
    const report = parsePipAudit(output("pip-audit", "report.json"));
    expect(report).toMatchObject({ vulnerablePackages: 1, bySeverity: { unknown: 2 }, skipped: 1 });
    expect(report.findings.map((item) => item.message)).toEqual([
      "jinja2 2.4.1: PYSEC-2019-217 (CVE-2019-10906, GHSA-462w-v97r-4m45), fixed in 2.10.1",
      "jinja2 2.4.1: GHSA-h5c8-rqwp-cp95 (CVE-2024-22195), no fixed version yet",
      "not audited: Dependency not found on PyPI and could not be audited: my-local-pkg (0.1.0)",
    ]);
  });

  test("clean", () => {
    expect(parsePipAudit(output("pip-audit", "clean.json"))).toEqual({
      vulnerablePackages: 0,
      bySeverity: {},
      skipped: 0,
      findings: [],
    });
  });
});

describe("npm audit --json (npm 7+ report version 2)", () => {
  test("advisories per package with their own severity; metavulns name their source", () => {
    const report = parseNpmAudit(output("npm-audit", "report.json"));
    expect(report.vulnerablePackages).toBe(3);
    expect(report.bySeverity).toEqual({ info: 0, low: 0, moderate: 0, high: 0, critical: 3 });
    expect(report.findings.map((item) => [item.rule, item.severity, item.message])).toEqual([
      ["GHSA-35jh-r3h4-6jhm", "error", "lodash (high): Command Injection in lodash (<4.17.21)"],
      ["GHSA-p6mc-m468-83gw", "error", "lodash (critical): Prototype Pollution in lodash (>=3.7.0 <4.17.19)"],
      ["GHSA-xvch-5gv4-984h", "error", "minimist (critical): Prototype Pollution in minimist (<0.2.4)"],
      ["minimist", "error", "mkdirp (critical): vulnerable through minimist"],
    ]);
  });

  test("a clean report", () => {
    expect(parseNpmAudit(output("npm-audit", "clean.json")).findings).toEqual([]);
  });

  test("npm's error document (real: the audit endpoint refused) is an error, never a clean audit", () => {
    expect(() => parseNpmAudit(output("npm-audit", "endpoint-error.json"))).toThrow(
      "npm audit: the audit could not run: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
    );
  });

  test("npm 6's report (no auditReportVersion 2) is not read as clean", () => {
    expect(() => parseNpmAudit('{"actions": [], "advisories": {}, "metadata": {"vulnerabilities": {}}}')).toThrow(
      "npm audit: auditReportVersion: missing",
    );
  });
});

describe("pnpm audit --json (documented format)", () => {
  test("one finding per advisory; counts from metadata", () => {
    const report = parsePnpmAudit(output("pnpm-audit", "report.json"));
    expect(report).toMatchObject({ vulnerablePackages: 2, bySeverity: { high: 1, critical: 1 } });
    expect(report.findings.map((item) => [item.rule, item.severity, item.message])).toEqual([
      ["GHSA-xvch-5gv4-984h", "error", "minimist (critical): Prototype Pollution in minimist (>=1.0.0 <1.2.6)"],
      ["GHSA-35jh-r3h4-6jhm", "error", "lodash (high): Command Injection in lodash (<4.17.21)"],
    ]);
  });

  test("npm 7's report is not pnpm's", () => {
    expect(() => parsePnpmAudit(output("npm-audit", "report.json"))).toThrow("pnpm audit: advisories: missing");
  });
});

describe("yarn npm audit --json (yarn 4, documented format)", () => {
  test("one JSON line per advisory; deprecations are notes, not vulnerabilities", () => {
    const report = parseYarnAudit(output("yarn-audit", "report.ndjson"));
    expect(report).toMatchObject({ vulnerablePackages: 2, bySeverity: { high: 1, critical: 1 } });
    expect(report.findings.map((item) => [item.rule, item.severity, item.message])).toEqual([
      ["GHSA-35jh-r3h4-6jhm", "error", "lodash (high): Command Injection in lodash (<4.17.21)"],
      ["GHSA-xvch-5gv4-984h", "error", "minimist (critical): Prototype Pollution in minimist (>=1.0.0 <1.2.6)"],
      [
        "deprecation",
        "info",
        "request (deprecated): request has been deprecated, see https://github.com/request/request/issues/3142 (2.88.2)",
      ],
    ]);
  });

  test("a clean run's info message is no advisory; an error message or a line cut short is a ParseError", () => {
    const clean = '{"type":"info","name":0,"displayName":"YN0000","indent":"","data":"No audit suggestions"}\n';
    expect(parseYarnAudit(clean)).toEqual({ vulnerablePackages: 0, bySeverity: {}, skipped: 0, findings: [] });
    const failed =
      '{"type":"error","name":1,"displayName":"YN0001","indent":"","data":"HTTPError: Response code 405"}\n';
    expect(() => parseYarnAudit(failed)).toThrow(
      "yarn npm audit: the audit could not run: HTTPError: Response code 405",
    );
    expect(() => parseYarnAudit(output("yarn-audit", "report.ndjson").slice(0, 120))).toThrow(
      /^yarn npm audit: expected JSON/,
    );
  });
});
