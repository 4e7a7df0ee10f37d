/**
 * The Python toolchain's gates: ruff (fix, format, lint), basedpyright,
 * pytest or unittest under coverage.py, mutmut, deptry, import-linter and
 * pip-audit. Tools run in the project's folder; nothing is written into the
 * project in ci (coverage data and reports go to tollgate's own folder).
 */
import { join } from "node:path";
import { projectFiles } from "./config-sources.ts";
import type { CoverageReport } from "./coverage.ts";
import type { PythonProject } from "./detect.ts";
import { ParseError } from "./findings.ts";
import {
  countedFindings,
  filesPlan,
  finished,
  type GateDefinition,
  type ProjectContext,
  plural,
  report,
  reportPath,
  step,
  stoppedByBudget,
  toolPlan,
  withTool,
} from "./gate-defs.ts";
import { auditEvaluation, coverageEvaluation, mutationEvaluation, testEvaluation } from "./gate-evals.ts";
import { parsePipAudit } from "./parse-audit.ts";
import { parseCobertura } from "./parse-cobertura.ts";
import { parseDeptry } from "./parse-deptry.ts";
import { parseImportLinter } from "./parse-import-linter.ts";
import { parseJUnit } from "./parse-junit.ts";
import { parseMutmutMeta } from "./parse-mutmut.ts";
import { parsePyright } from "./parse-pyright.ts";
import { parseRuffCheck, parseRuffFormatCheck } from "./parse-ruff.ts";
import { parseUnittest } from "./parse-unittest.ts";
import { mainOutput, type StepOutput } from "./steps.ts";
import type { TestRunReport } from "./test-run.ts";
import { toolConfigStatus } from "./tool-configs.ts";

const PY = { extensions: [".py", ".pyi"], what: "Python" };
const python = (ctx: ProjectContext) => ctx.project as PythonProject;
const relative = (ctx: ProjectContext, path: string) =>
  ctx.project.dir === "." ? path : path.slice(ctx.project.dir.length + 1);

const fix: GateDefinition = {
  gate: "fix",
  fileLevel: true,
  plan: (ctx) =>
    filesPlan(ctx, PY, "ruff", "ruff-fix", (paths) => ["check", "--fix-only", "--exit-zero", "--no-cache", ...paths], {
      modifies: true,
    }),
  evaluate(_ctx, [output]) {
    const run = finished(output);
    if (mainOutput(run).exitCode !== 0) throw new ParseError("ruff", `exited ${mainOutput(run).exitCode}`);
    return { failed: false, summary: "applied ruff's safe fixes", findings: [] };
  },
};

const format: GateDefinition = {
  gate: "format",
  fileLevel: true,
  plan: (ctx) =>
    filesPlan(
      ctx,
      PY,
      "ruff",
      ctx.write ? "ruff-format" : "ruff-format-check",
      (paths) => ["format", ...(ctx.write ? [] : ["--check"]), "--no-cache", ...paths],
      { modifies: ctx.write },
    ),
  evaluate(ctx, [output]) {
    const main = mainOutput(finished(output));
    if (ctx.write) {
      if (main.exitCode !== 0) throw new ParseError("ruff", `format exited ${main.exitCode}`);
      return { failed: false, summary: main.stdout.trim().split("\n").at(-1) || "formatted", findings: [] };
    }
    const parsed = parseRuffFormatCheck(`${main.stdout}\n${main.stderr}`, { root: ctx.dir });
    return {
      failed: parsed.findings.length > 0,
      summary:
        parsed.unformatted.length === 0
          ? `${plural(parsed.alreadyFormatted, "file")} already formatted`
          : `${plural(parsed.unformatted.length, "file")} would be reformatted`,
      measurement: { value: parsed.unformatted.length, unit: "unformatted files", threshold: 0, comparison: "<=" },
      findings: parsed.findings,
    };
  },
};

const lint: GateDefinition = {
  gate: "lint",
  fileLevel: true,
  plan: (ctx) =>
    filesPlan(ctx, PY, "ruff", "ruff-check", (paths) => [
      "check",
      "--output-format=json",
      "--no-fix",
      "--no-cache",
      ...paths,
    ]),
  evaluate(ctx, [output]) {
    const parsed = parseRuffCheck(mainOutput(finished(output)).stdout, { root: ctx.dir });
    return countedFindings(parsed.findings, ctx.config.lint.max_warnings, "lint problem");
  },
};

const typecheck: GateDefinition = {
  gate: "typecheck",
  plan: (ctx) => toolPlan(ctx, "basedpyright", "basedpyright", ["--outputjson"]),
  evaluate(ctx, [output]) {
    const parsed = parsePyright(mainOutput(finished(output)).stdout, { root: ctx.dir, tool: "basedpyright" });
    return countedFindings(
      parsed.findings.filter((finding) => finding.severity !== "info"),
      Number.POSITIVE_INFINITY,
      "type error",
    );
  },
};

/** `--source` for coverage.py when the project does not configure coverage itself. */
function coverageSource(ctx: ProjectContext): string[] {
  const configured = toolConfigStatus("coverage", projectFiles(ctx.dir)).config === "project";
  const dirs = ctx.project.sourceDirs.map((dir) => relative(ctx, dir.value));
  return configured || dirs.length === 0 ? [] : [`--source=${dirs.join(",")}`];
}

function testArgs(ctx: ProjectContext, junit: string): { tool: string; args: string[] } {
  const project = python(ctx);
  if (project.testRunner.value === "pytest") {
    return { tool: "pytest", args: ["pytest", `--junitxml=${junit}`, "-q", "-p", "no:cacheprovider"] };
  }
  const testDir = project.testDirs[0] ? relative(ctx, project.testDirs[0].value) : ".";
  return { tool: "python (unittest)", args: ["unittest", "discover", "-v", "-s", testDir, "-t", "."] };
}

/** The test run every test-reading gate shares: under coverage.py when a coverage gate reads it. */
function testPlan(ctx: ProjectContext) {
  const key = ctx.coverage ? "tests-coverage" : "tests";
  const junit = reportPath(ctx, key, "junit.xml");
  const { tool, args } = testArgs(ctx, junit);
  const reports = tool === "pytest" ? [junit] : [];
  return withTool(ctx, tool, (runner, version) => {
    if (!ctx.coverage) {
      // A module (`python -m pytest`) or a script (pytest) runs the tests directly.
      const argv = tool === "pytest" ? [...runner, ...args.slice(1)] : [...runner, "-m", ...args];
      return step(ctx, { key, tool, toolVersion: version, commands: [{ argv }], reports });
    }
    const xml = reportPath(ctx, key, "coverage.xml");
    return withTool(ctx, "coverage", (coverage) =>
      step(ctx, {
        key,
        tool,
        toolVersion: version,
        commands: [
          { argv: [...coverage, "run", "--branch", ...coverageSource(ctx), "-m", ...args] },
          { argv: [...coverage, "xml", "-o", xml], always: true },
        ],
        reports: [...reports, xml],
        env: { COVERAGE_FILE: join(ctx.outDir(key), ".coverage") },
      }),
    );
  });
}

function testReport(ctx: ProjectContext, output: StepOutput | undefined): TestRunReport {
  const run = finished(output);
  const junit = reportPath(ctx, run.key, "junit.xml");
  if (junit in run.reports) return parseJUnit(report(run, junit), { root: ctx.dir, tool: "pytest" });
  const parsed = parseUnittest(mainOutput(run).stderr, { root: ctx.dir });
  return {
    tests: parsed.tests,
    passed: parsed.tests - parsed.failures - parsed.errors - parsed.skipped,
    failed: parsed.failures,
    errors: parsed.errors,
    skipped: parsed.skipped,
    cases: [],
    findings: parsed.findings,
  };
}

const test: GateDefinition = {
  gate: "test",
  plan: testPlan,
  evaluate: (ctx, [output]) => testEvaluation(testReport(ctx, output)),
};

/** The coverage the test run measured (its second command wrote the XML even when tests failed). */
export function pythonCoverage(ctx: ProjectContext, run: StepOutput): CoverageReport {
  const xml = report(run, reportPath(ctx, run.key, "coverage.xml"));
  return parseCobertura(xml, { root: ctx.dir, tool: "coverage.py" });
}

const coverage: GateDefinition = {
  gate: "coverage",
  plan: (ctx) => withTool(ctx, "coverage", () => testPlan(ctx)),
  evaluate: (ctx, [output]) => coverageEvaluation(pythonCoverage(ctx, finished(output)), ctx.config, "coverage.py"),
};

const mutation: GateDefinition = {
  gate: "mutation",
  plan: (ctx) =>
    toolPlan(ctx, "mutmut", "mutmut", ["run"], {
      reportTrees: [{ dir: join(ctx.dir, "mutants"), suffix: ".meta" }],
      timeoutMs: ctx.config.mutation.budget_seconds * 1000,
      modifies: true,
    }),
  evaluate(ctx, [output]) {
    const stopped = stoppedByBudget(output);
    const files = Object.entries((output as StepOutput).reports)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([path, text]) => ({ path: path.slice(ctx.dir.length + 1), text }));
    return mutationEvaluation(parseMutmutMeta(files, { root: ctx.dir, stopped }), ctx.config);
  },
};

const deps: GateDefinition = {
  gate: "deps",
  plan(ctx) {
    const json = reportPath(ctx, "deptry", "deptry.json");
    return toolPlan(ctx, "deptry", "deptry", [".", "--json-output", json], { reports: [json] });
  },
  evaluate(ctx, [output]) {
    const json = report(finished(output), reportPath(ctx, "deptry", "deptry.json"));
    const parsed = parseDeptry(json, { root: ctx.dir });
    return countedFindings(parsed.findings, 0, "dependency problem");
  },
};

const arch: GateDefinition = {
  gate: "arch",
  plan(ctx) {
    if (toolConfigStatus("import-linter", projectFiles(ctx.dir)).config !== "project") {
      return { kind: "skip", reason: "no import-linter contracts configured (.importlinter or [tool.importlinter])" };
    }
    return toolPlan(ctx, "import-linter", "import-linter", ["--no-cache"]);
  },
  evaluate(_ctx, [output]) {
    const parsed = parseImportLinter(mainOutput(finished(output)).stdout);
    return {
      failed: parsed.broken > 0,
      summary: `${parsed.kept} contracts kept, ${parsed.broken} broken`,
      measurement: { value: parsed.broken, unit: "broken contracts", threshold: 0, comparison: "<=" },
      findings: parsed.findings,
    };
  },
};

const audit: GateDefinition = {
  gate: "audit",
  plan: (ctx) => toolPlan(ctx, "pip-audit", "pip-audit", ["--format=json", "--progress-spinner=off"]),
  evaluate: (ctx, [output]) => auditEvaluation(parsePipAudit(mainOutput(finished(output)).stdout), ctx.config),
};

export const PYTHON_GATES: readonly GateDefinition[] = [
  fix,
  format,
  lint,
  typecheck,
  test,
  coverage,
  mutation,
  deps,
  arch,
  audit,
];
