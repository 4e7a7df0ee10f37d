import { describe, expect, test } from "bun:test";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { Finding } from "../../src/gates/findings.ts";
import { parseJUnit } from "../../src/gates/parse-junit.ts";
import { junitReport } from "../../src/gates/report-junit.ts";
import { sarifReport } from "../../src/gates/report-sarif.ts";
import { stepSummary } from "../../src/gates/report-summary.ts";
import { terminalTable } from "../../src/gates/report-table.ts";
import type { GateResult, StageReport } from "../../src/gates/result.ts";
import { validateSarif } from "./stage-helpers.ts";

const ROOT = "/work/my repo";
/** Everything a tool's message can hold that a report must not pass on as markup: `<`, `|`, `&`, quotes, a bell. */
const NASTY = `Line too long <b>x</b> | "a" & 'b' \u0007 ok`;

function gate(fields: Partial<GateResult> & Pick<GateResult, "id" | "verdict" | "summary">): GateResult {
  return {
    gate: fields.id.split(" ")[0] ?? fields.id,
    blocking: true,
    findings: [],
    findingsTotal: fields.findings?.length ?? 0,
    durationMs: 1000,
    cached: false,
    ...fields,
  };
}

function tsError(index: number): Finding {
  return {
    file: "web/src/app.ts",
    line: index + 1,
    column: 3,
    rule: "TS2322",
    message: `type error ${index}`,
    severity: "error",
    tool: "tsc",
  };
}

const lintFindings: Finding[] = [
  { file: "src/my module.py", line: 3, column: 5, rule: "E501", message: NASTY, severity: "error", tool: "ruff" },
  {
    file: "src/a.py",
    line: 1,
    column: 1,
    rule: "F401",
    message: "`os` imported but unused",
    severity: "warning",
    tool: "ruff",
  },
  { file: "src/b.py", line: 0, rule: "E501", message: "line 0 is no position", severity: "error", tool: "ruff" },
  { message: "setting `select` is deprecated", severity: "info", tool: "ruff" },
  {
    file: "src/c.py",
    line: 7,
    rule: "F841",
    message: "\u001b[31mcolored\u001b[0m <script>alert(1)</script>",
    severity: "error",
    tool: "ruff",
  },
  ...Array.from(
    { length: 7 },
    (_, index): Finding => ({
      file: "src/d.py",
      line: index + 10,
      rule: "E711",
      message: `comparison to None ${index}`,
      severity: "error",
      tool: "ruff",
    }),
  ),
];

const gates: GateResult[] = [
  gate({
    id: "coverage (python: api)",
    project: "api",
    tool: "coverage.py",
    toolVersion: "7.6.1",
    verdict: "pass",
    summary: "84.2% line coverage (>= 80)",
    measurement: { value: 84.2, unit: "line coverage %", threshold: 80, comparison: ">=" },
    durationMs: 1234,
  }),
  gate({
    id: "crap (python: api)",
    project: "api",
    tool: "lizard",
    verdict: "pass",
    summary: "worst CRAP 12 (<= 30)",
    measurement: { value: 12, unit: "worst CRAP", threshold: 30, comparison: "<=" },
    findings: [
      { file: "src/app.py", line: 10, rule: "crap", message: "handler: CRAP 12", severity: "info", tool: "lizard" },
    ],
  }),
  gate({
    id: "lint (python: api)",
    project: "api",
    tool: "ruff",
    toolVersion: "0.6.9",
    verdict: "fail",
    summary: `15 problems in "src/my module.py" | <b> & more\ttabbed\nsecond line`,
    findings: lintFindings,
    findingsTotal: 15,
    command: ["ruff", "check", "--output-format", "json", "."],
    exitCode: 1,
    durationMs: 2500,
  }),
  gate({
    id: "types (js: web)",
    project: "web",
    tool: "tsc",
    toolVersion: "5.6.2",
    verdict: "fail",
    summary: "250 type errors",
    findings: Array.from({ length: 105 }, (_, index) => tsError(index)),
    findingsTotal: 250,
  }),
  gate({
    id: "deps (python: api)",
    project: "api",
    tool: "deptry",
    verdict: "warn",
    blocking: false,
    summary: "1 unused dependency",
    findings: [
      {
        file: "pyproject.toml",
        rule: "DEP002",
        message: "'requests' defined as a dependency but not used",
        severity: "warning",
        tool: "deptry",
      },
    ],
  }),
  gate({ id: "mutation", verdict: "skip", summary: "configured off", durationMs: 0 }),
  gate({
    id: "audit (python: api)",
    project: "api",
    tool: "pip-audit",
    verdict: "missing",
    blocking: false,
    summary: "pip-audit is not installed",
    install: "uv tool install pip-audit",
    durationMs: 5,
  }),
  gate({
    id: "test (js: web)",
    project: "web",
    tool: "bun test",
    toolVersion: "1.4.5",
    verdict: "error",
    summary: "bun test crashed (exit 139)\nno report written",
    output: [
      ...Array.from({ length: 24 }, (_, index) => `log line ${index}`),
      "<script>alert(1)</script>",
      "Segmentation fault",
    ].join("\n"),
    exitCode: 139,
    durationMs: 3100,
  }),
  gate({ id: "format", tool: "biome", verdict: "pass", summary: "42 files formatted", cached: true, durationMs: 12 }),
];

const report: StageReport = {
  schemaVersion: 1,
  stage: "ci",
  root: ROOT,
  tollgateVersion: "0.1.0",
  startedAt: "2025-01-02T03:04:05.000Z",
  durationMs: 42_049,
  verdict: "fail",
  config: { preset: "strict", file: "tollgate.toml" },
  gates,
};

const empty: StageReport = { ...report, gates: [], verdict: "pass", durationMs: 3 };

function byId(id: string): GateResult {
  const found = gates.find((item) => item.id === id);
  if (!found) throw new Error(`no gate ${id}`);
  return found;
}

describe("SARIF", () => {
  interface Run {
    tool: { driver: { name: string; version?: string; informationUri?: string; rules: { id: string }[] } };
    invocations?: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { level: string; message: { text: string } }[];
    }[];
    originalUriBaseIds: Record<string, { uri: string }>;
    results: {
      ruleId?: string;
      level: string;
      message: { text: string };
      locations?: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: object } }[];
    }[];
  }

  function runs(stage: StageReport): Run[] {
    const log = JSON.parse(sarifReport(stage));
    expect(validateSarif(log)).toEqual([]);
    return log.runs;
  }

  function run(name: string): Run {
    const found = runs(report).find((item) => item.tool.driver.name === name);
    if (!found) throw new Error(`no run ${name}`);
    return found;
  }

  test("validates against the SARIF 2.1.0 schema, one run per tool in name order", () => {
    const log = JSON.parse(sarifReport(report));
    expect(log.$schema).toBe("https://json.schemastore.org/sarif-2.1.0.json");
    expect(log.version).toBe("2.1.0");
    expect(runs(report).map((item) => item.tool.driver.name)).toEqual([
      "bun test",
      "deptry",
      "lizard",
      "pip-audit",
      "ruff",
      "tsc",
    ]);
  });

  test("the schema check is real: a result without a message fails it", () => {
    const log = JSON.parse(sarifReport(report));
    delete log.runs[4].results[0].message;
    expect(validateSarif(log)).not.toEqual([]);
  });

  test("results carry rule, level, message and a location relative to %SRCROOT%", () => {
    const ruff = run("ruff");
    expect(ruff.tool.driver.version).toBe("0.6.9");
    expect("informationUri" in ruff.tool.driver).toBe(false);
    expect(ruff.tool.driver.rules).toEqual([{ id: "E501" }, { id: "E711" }, { id: "F401" }, { id: "F841" }]);
    expect(ruff.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///work/my%20repo/" } });
    expect(ruff.results).toHaveLength(lintFindings.length);
    expect(ruff.results[0]).toEqual({
      ruleId: "E501",
      level: "error",
      message: { text: NASTY },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "src/my%20module.py", uriBaseId: "%SRCROOT%" },
            region: { startLine: 3, startColumn: 5 },
          },
        },
      ],
    });
    expect(ruff.results.map((result) => result.level).slice(0, 4)).toEqual(["error", "warning", "error", "note"]);
  });

  test("a line below 1 gives no region, a finding without a file no location", () => {
    const [, , lineZero, noFile] = run("ruff").results;
    expect(lineZero?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: "src/b.py", uriBaseId: "%SRCROOT%" },
    });
    expect(noFile).toEqual({ level: "note", message: { text: "setting `select` is deprecated" } });
  });

  test("a line without a column gives startLine only", () => {
    const [finding] = run("deptry").results;
    expect(finding?.locations?.[0]?.physicalLocation.region).toBeUndefined();
    const [, , , , , first] = run("ruff").results;
    expect(first?.locations?.[0]?.physicalLocation.region).toEqual({ startLine: 10 });
  });

  test("an erroring or missing gate is a failed invocation that says why", () => {
    const bun = run("bun test");
    expect(bun.results).toEqual([]);
    expect(bun.tool.driver.version).toBe("1.4.5");
    expect(bun.invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          { level: "error", message: { text: "test (js: web): bun test crashed (exit 139)\nno report written" } },
        ],
      },
    ]);
    expect(run("pip-audit").invocations?.[0]?.executionSuccessful).toBe(false);
    expect(run("pip-audit").invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toContain(
      "uv tool install pip-audit",
    );
  });

  test("capped findings are noted on a successful invocation; complete runs have none", () => {
    expect(run("ruff").invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          { level: "note", message: { text: "lint (python: api): 3 more findings not listed" } },
        ],
      },
    ]);
    expect(run("lizard").invocations).toBeUndefined();
  });

  test("is deterministic", () => {
    expect(sarifReport(report)).toBe(sarifReport(structuredClone(report)));
  });

  test("Windows roots and files outside the root become file URIs", () => {
    const windows: StageReport = {
      ...report,
      root: "C:\\work\\repo",
      gates: [
        gate({
          id: "lint",
          tool: "eslint",
          verdict: "fail",
          summary: "1 problem",
          findings: [{ file: "/usr/lib/x y.js", line: 2, message: "outside", severity: "error", tool: "eslint" }],
        }),
      ],
    };
    const [eslint] = runs(windows);
    expect(eslint?.originalUriBaseIds["%SRCROOT%"]?.uri).toBe("file:///C%3A/work/repo/");
    expect(eslint?.results[0]?.locations?.[0]?.physicalLocation.artifactLocation).toEqual({
      uri: "file:///usr/lib/x%20y.js",
    });
  });

  test("an empty report is a valid log without runs", () => {
    expect(runs(empty)).toEqual([]);
  });
});

describe("JUnit XML", () => {
  const xml = junitReport(report);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    textNodeName: "text",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    htmlEntities: true,
    isArray: (name) => ["testsuite", "testcase"].includes(name),
  });

  interface Case {
    classname: string;
    name: string;
    time: string;
    failure?: { message: string; type: string; text?: string };
    error?: { message: string; type: string; text?: string };
    skipped?: { message: string };
    "system-out"?: string;
  }
  interface Suite {
    name: string;
    tests: string;
    failures: string;
    errors: string;
    skipped: string;
    testcase: Case[];
  }
  const document = parser.parse(xml) as {
    testsuites: Omit<Suite, "testcase"> & { name: string; time: string; testsuite: Suite[] };
  };
  const cases = document.testsuites.testsuite.flatMap((suite) => suite.testcase);
  const testCase = (name: string) => {
    const found = cases.find((item) => item.name === name);
    if (!found) throw new Error(`no test case ${name}`);
    return found;
  };

  test("is well-formed, with the totals on <testsuites>", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const { name, tests, failures, errors, skipped, time } = document.testsuites;
    expect({ name, tests, failures, errors, skipped, time }).toEqual({
      name: "tollgate ci",
      tests: "9",
      failures: "2",
      errors: "1",
      skipped: "2",
      time: "42.049",
    });
  });

  test("a suite per project in report order, gates without one in a suite named after the stage", () => {
    const suites = document.testsuites.testsuite.map((suite) => [suite.name, suite.tests, suite.testcase.length]);
    expect(suites).toEqual([
      ["api", "5", 5],
      ["web", "2", 2],
      ["ci", "2", 2],
    ]);
    expect(testCase("format")).toEqual({ classname: "tollgate.ci", name: "format", time: "0.012" });
  });

  test("reads back with tollgate's own JUnit parser", () => {
    const run = parseJUnit(xml, { root: ROOT, tool: "tollgate" });
    expect([run.tests, run.passed, run.failed, run.errors, run.skipped]).toEqual([9, 4, 2, 1, 2]);
    expect(run.cases.find((item) => item.name === "lint (python: api)")).toMatchObject({
      suites: ["api"],
      classname: "tollgate.ci",
      outcome: "failed",
      message: byId("lint (python: api)").summary,
    });
    expect(run.cases.find((item) => item.name === "audit (python: api)")?.message).toBe(
      "pip-audit is not installed (install: uv tool install pip-audit)",
    );
  });

  test("failure messages and bodies round-trip exactly, illegal characters removed", () => {
    const lint = testCase("lint (python: api)");
    expect(lint.failure?.message).toBe(byId("lint (python: api)").summary);
    expect(lint.failure?.type).toBe("lint");
    const lines = lint.failure?.text?.split("\n") ?? [];
    expect(lines[0]).toBe(`src/my module.py:3:5 E501 ${NASTY.replace("\u0007", "")}`);
    expect(lines[1]).toBe("src/a.py:1:1 F401 `os` imported but unused");
    expect(lines[2]).toBe("src/b.py:0 E501 line 0 is no position");
    expect(lines[3]).toBe("setting `select` is deprecated");
    expect(lines.at(-1)).toBe("... and 3 more");
  });

  test("characters XML 1.0 forbids are dropped, surrogate pairs kept", () => {
    const text = "a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uD800g\uDC00h \uD83D\uDE00 tab\tcr\rend";
    const odd = junitReport({
      ...report,
      gates: [gate({ id: "odd", verdict: "fail", summary: text, output: text })],
    });
    expect(XMLValidator.validate(odd)).toBe(true);
    const [suite] = (parser.parse(odd) as typeof document).testsuites.testsuite;
    const failure = suite?.testcase[0]?.failure;
    expect(failure?.message).toBe("abcdefgh \uD83D\uDE00 tab\tcr\rend");
    expect(failure?.text).toBe("abcdefgh \uD83D\uDE00 tab\tcr\rend");
  });

  test("failures list at most 100 findings and say how many more", () => {
    const lines = testCase("types (js: web)").failure?.text?.split("\n") ?? [];
    expect(lines).toHaveLength(101);
    expect(lines[0]).toBe("web/src/app.ts:1:3 TS2322 type error 0");
    expect(lines[100]).toBe("... and 150 more");
  });

  test("an error carries the tool's output; skip, missing and warn say why", () => {
    const error = testCase("test (js: web)").error;
    expect(error?.message).toBe("bun test crashed (exit 139)\nno report written");
    expect(error?.text).toBe(byId("test (js: web)").output);
    expect(testCase("mutation").skipped).toEqual({ message: "configured off" });
    expect(testCase("audit (python: api)").skipped?.message).toContain("uv tool install pip-audit");
    const deps = testCase("deps (python: api)");
    expect(deps.failure).toBeUndefined();
    expect(deps["system-out"]).toBe(
      "1 unused dependency\npyproject.toml DEP002 'requests' defined as a dependency but not used",
    );
  });

  test("an empty report is an empty <testsuites>", () => {
    const none = junitReport(empty);
    expect(XMLValidator.validate(none)).toBe(true);
    expect(none).toContain(
      '<testsuites name="tollgate ci" tests="0" failures="0" errors="0" skipped="0" time="0.003"/>',
    );
    expect(parseJUnit(none, { root: ROOT, tool: "tollgate" }).tests).toBe(0);
  });
});

describe("step summary", () => {
  const markdown = stepSummary(report);
  const lines = markdown.split("\n");

  test("a heading with the stage and its verdict, then a row per gate", () => {
    expect(lines[0]).toBe("## tollgate ci: fail");
    expect(lines).toContain("| Gate | Verdict | Value | Threshold | Time | Cached |");
    expect(lines).toContain("| coverage (python: api) | pass | 84.2 line coverage % | &gt;= 80 | 1.2s |  |");
    expect(lines).toContain("| format | pass | 42 files formatted |  | 0.0s | yes |");
    expect(lines).toContain("| mutation | skip | configured off |  | 0.0s |  |");
  });

  test("tool text cannot break out of its table cell", () => {
    const row = lines.find((line) => line.startsWith("| lint (python: api) |"));
    expect(row).toBe(
      '| lint (python: api) | fail | 15 problems in "src/my module.py" \\| &lt;b&gt; &amp; more\ttabbed<br>second line |  | 2.5s |  |',
    );
    const rows = lines.filter((line) => line.startsWith("| "));
    for (const line of rows) expect(line.replaceAll("\\|", "").split("|")).toHaveLength(8);
  });

  test("failing and erroring gates get a details block with up to 20 findings", () => {
    expect(markdown.match(/<details>/g)).toHaveLength(3);
    expect(markdown).toContain("<details><summary>types (js: web): 250 type errors</summary>");
    expect(markdown).toContain("- web/src/app.ts:20 (TS2322) type error 19\n- ... and 230 more");
    expect(markdown).not.toContain("type error 20");
    expect(markdown).toContain("- src/my module.py:3 (E501) Line too long &lt;b&gt;x&lt;/b&gt; \\| \"a\" &amp; 'b' ok");
    expect(markdown).toContain("- src/a.py:1 (F401) \\`os\\` imported but unused");
  });

  test("no raw HTML from a tool reaches the page", () => {
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toContain("<b>");
    expect(markdown).toContain("<pre>log line 6\nlog line 7");
    expect(markdown).toContain("&lt;script&gt;alert(1)&lt;/script&gt;\nSegmentation fault</pre>");
    expect(markdown).not.toContain("log line 5\n");
  });

  test("an empty report says no gates ran", () => {
    expect(stepSummary(empty)).toBe("## tollgate ci: pass\n\nNo gates ran.\n");
  });
});

describe("terminal table", () => {
  const plain = terminalTable(report, { verbose: false, color: false });
  const lines = plain.split("\n");

  test("without colour there is no escape sequence, even one a tool wrote", () => {
    expect(plain).not.toContain("\u001b");
    expect(terminalTable(report, { verbose: true, color: false })).not.toContain("\u001b");
    expect(plain).not.toContain("\u0007");
    expect(plain).toContain("  src/c.py:7  F841  colored <script>alert(1)</script>");
  });

  test("with colour each verdict word is painted", () => {
    const colored = terminalTable(report, { verbose: false, color: true });
    expect(colored).toContain("\u001b[32mpass\u001b[39m");
    expect(colored).toContain("\u001b[31mfail\u001b[39m");
    expect(colored).toContain("\u001b[31merror\u001b[39m");
    expect(colored).toContain("\u001b[33mwarn\u001b[39m");
    expect(colored).toContain("\u001b[33mmissing\u001b[39m");
    expect(colored).toContain("\u001b[2mskip\u001b[22m");
    expect(colored.trimEnd().split("\n").at(-1)).toBe(
      "tollgate ci: \u001b[31mfail\u001b[39m (9 gates: 3 pass, 2 fail, 1 warn, 1 skip, 1 missing, 1 error) in 42.0s",
    );
  });

  test("a row per gate with aligned columns, a duration and the cache marker", () => {
    const rows = lines.filter((line) => /^[a-z]/.test(line) && !line.startsWith("tollgate "));
    expect(rows).toHaveLength(gates.length);
    const summaryColumn = rows[0]?.indexOf("84.2%");
    for (const [index, row] of rows.entries()) {
      expect(row.slice(9).startsWith(gates[index]?.id ?? "")).toBe(true);
      expect(row.indexOf(gates[index]?.summary.split(/\s/)[0] ?? "")).toBe(summaryColumn ?? -1);
    }
    expect(rows[0]).toMatch(/^pass {5}coverage \(python: api\) +84\.2% line coverage \(>= 80\) +1\.2s$/);
    expect(rows.at(-1)).toMatch(/^pass {5}format +42 files formatted +0\.0s {2}\(cached\)$/);
    expect(rows[2]).toContain('15 problems in "src/my module.py" | <b> & more tabbed second line');
  });

  test("failing gates list 10 findings and how many more; passing ones only when verbose", () => {
    expect(lines).toContain("  src/my module.py:3  E501  Line too long <b>x</b> | \"a\" & 'b' ok");
    expect(lines).toContain("  setting `select` is deprecated");
    expect(lines).toContain("  ... and 5 more");
    expect(lines).toContain("  ... and 240 more");
    expect(lines).not.toContain("  src/d.py:15  E711  comparison to None 5");
    expect(lines).toContain("  src/d.py:14  E711  comparison to None 4");
    expect(plain).not.toContain("handler: CRAP 12");
    expect(plain).not.toContain("DEP002");
    const verbose = terminalTable(report, { verbose: true, color: false });
    expect(verbose).toContain("  src/app.py:10  crap  handler: CRAP 12");
    expect(verbose).toContain("  pyproject.toml  DEP002  'requests' defined as a dependency but not used");
  });

  test("an error shows the end of the output, a missing tool its install command", () => {
    expect(lines).toContain("  install: uv tool install pip-audit");
    expect(lines).toContain("  log line 16");
    expect(lines).toContain("  Segmentation fault");
    expect(lines).not.toContain("  log line 15");
  });

  test("the closing line counts the verdicts", () => {
    expect(lines.at(-2)).toBe(
      "tollgate ci: fail (9 gates: 3 pass, 2 fail, 1 warn, 1 skip, 1 missing, 1 error) in 42.0s",
    );
    expect(lines.at(-1)).toBe("");
  });

  test("an empty report is only the closing line", () => {
    expect(terminalTable(empty, { verbose: true, color: false })).toBe("tollgate ci: pass (0 gates) in 0.0s\n");
  });
});

describe("terminal table width", () => {
  test("a long summary is cut in its row and given whole below it, so one error does not widen every row", () => {
    const long = `lizard: \`/x/python -m lizard --version\` exited 1: ${"No module named lizard ".repeat(5)}`.trim();
    const table = terminalTable(
      { ...report, gates: [gate({ id: "complexity", verdict: "error", summary: long })] },
      { verbose: false, color: false },
    );
    const [row, detail] = table.split("\n");
    expect(row?.length).toBeLessThan(100);
    expect(row).toContain("...");
    expect(detail?.trim()).toBe(long);
  });
});
