/**
 * The JavaScript and TypeScript toolchain's gates: biome, eslint or oxlint
 * (fix, format, lint), tsc, the project's test runner with lcov coverage,
 * stryker, knip, dependency-cruiser and the package manager's audit.
 */
import { join } from "node:path";
import { ensurePrivateDir, writeFileAtomic } from "../core/index.ts";
import { projectFiles } from "./config-sources.ts";
import type { CoverageReport } from "./coverage.ts";
import type { JsProject } from "./detect.ts";
import { ParseError } from "./findings.ts";
import {
  countedFindings,
  type Evaluation,
  filesPlan,
  finished,
  type GateDefinition,
  type GatePlan,
  noFiles,
  type ProjectContext,
  plural,
  projectEntries,
  report,
  reportPath,
  step,
  stoppedByBudget,
  targets,
  toolPlan,
  withTool,
} from "./gate-defs.ts";
import { auditEvaluation, coverageEvaluation, mutationEvaluation, testEvaluation } from "./gate-evals.ts";
import { type AuditReport, parseNpmAudit, parsePnpmAudit, parseYarnAudit } from "./parse-audit.ts";
import { parseBiome } from "./parse-biome.ts";
import { parseDependencyCruiser } from "./parse-dependency-cruiser.ts";
import { parseEslint } from "./parse-eslint.ts";
import { parseJestJson } from "./parse-jest-json.ts";
import { parseJUnit } from "./parse-junit.ts";
import { parseKnip } from "./parse-knip.ts";
import { parseLcov } from "./parse-lcov.ts";
import { parseOxlint } from "./parse-oxlint.ts";
import { parseStrykerReport } from "./parse-stryker.ts";
import { parseTsc } from "./parse-tsc.ts";
import { mainOutput, type StepOutput } from "./steps.ts";
import type { TestRunReport } from "./test-run.ts";
import { toolConfigStatus } from "./tool-configs.ts";

const JS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const JS = { extensions: JS_EXTENSIONS, what: "JavaScript or TypeScript" };
const js = (ctx: ProjectContext) => ctx.project as JsProject;
const relative = (ctx: ProjectContext, path: string) =>
  ctx.project.dir === "." ? path : path.slice(ctx.project.dir.length + 1);

/** Each linter's argv for fixing, checking with a JSON report, and reading that report. */
const LINTERS = {
  biome: {
    fix: ["lint", "--write", "--no-errors-on-unmatched", "--files-ignore-unknown=true"],
    check: ["lint", "--reporter=json", "--no-errors-on-unmatched", "--files-ignore-unknown=true"],
    parse: (text: string, root: string) => parseBiome(text, { root }).findings,
  },
  eslint: {
    fix: ["--fix", "--no-warn-ignored"],
    check: ["--format", "json", "--no-warn-ignored"],
    parse: (text: string, root: string) => parseEslint(text, { root }).findings,
  },
  oxlint: {
    fix: ["--fix"],
    check: ["--format", "json"],
    parse: (text: string, root: string) => parseOxlint(text, { root }).findings,
  },
} as const;

function linterPlan(ctx: ProjectContext, mode: "fix" | "check"): GatePlan {
  const linter = js(ctx).linter.value;
  return filesPlan(ctx, JS, linter, `${linter}-${mode}`, (paths) => [...LINTERS[linter][mode], ...paths], {
    modifies: mode === "fix",
  });
}

const fix: GateDefinition = {
  gate: "fix",
  fileLevel: true,
  plan: (ctx) => linterPlan(ctx, "fix"),
  evaluate(ctx, [output]) {
    const done = finished(output);
    // Remaining problems are the lint gate's to report; an exit code of 2 or more is the fixer failing.
    if ((mainOutput(done).exitCode ?? 2) > 1) throw new ParseError(done.tool, `exited ${mainOutput(done).exitCode}`);
    return { failed: false, summary: `applied ${js(ctx).linter.value}'s safe fixes`, findings: [] };
  },
};

const format: GateDefinition = {
  gate: "format",
  fileLevel: true,
  plan(ctx) {
    const project = js(ctx);
    if (project.linter.value !== "biome") {
      return {
        kind: "skip",
        reason: `the project lints with ${project.linter.value}; tollgate formats with biome only`,
      };
    }
    const paths = targets(ctx, [...JS_EXTENSIONS, ".json", ".jsonc"]);
    if (paths === null) return noFiles("JavaScript, TypeScript or JSON");
    return withTool(ctx, "biome", (biome, version) =>
      step(ctx, {
        key: ctx.write ? "biome-format" : "biome-format-check",
        tool: "biome",
        toolVersion: version,
        commands: [
          {
            argv: [...biome, "format", ctx.write ? "--write" : "--reporter=json", "--no-errors-on-unmatched", ...paths],
          },
        ],
        modifies: ctx.write,
      }),
    );
  },
  evaluate(ctx, [output]) {
    const done = finished(output);
    const main = mainOutput(done);
    if (ctx.write) {
      if (main.exitCode !== 0) throw new ParseError("biome", `format --write exited ${main.exitCode}`);
      return { failed: false, summary: "formatted", findings: [] };
    }
    const findings = parseBiome(main.stdout, { root: ctx.dir }).findings.filter((item) => item.rule === "format");
    const files = findings.map((item) => ({ ...item, message: "File would be reformatted" }));
    return {
      failed: files.length > 0,
      summary: files.length === 0 ? "all files formatted" : `${plural(files.length, "file")} would be reformatted`,
      measurement: { value: files.length, unit: "unformatted files", threshold: 0, comparison: "<=" },
      findings: files,
    };
  },
};

const lint: GateDefinition = {
  gate: "lint",
  fileLevel: true,
  plan: (ctx) => linterPlan(ctx, "check"),
  evaluate(ctx, [output]) {
    const done = finished(output);
    const findings = LINTERS[js(ctx).linter.value].parse(mainOutput(done).stdout, ctx.dir);
    return countedFindings(findings, ctx.config.lint.max_warnings, "lint problem");
  },
};

const typecheck: GateDefinition = {
  gate: "typecheck",
  plan(ctx) {
    if (js(ctx).language.value !== "typescript") return { kind: "skip", reason: "a JavaScript project: no tsc" };
    const tsconfig = projectFiles(ctx.dir).exists("tsconfig.json") ? ["-p", "tsconfig.json"] : [];
    return toolPlan(ctx, "tsc", "tsc", [...tsconfig, "--noEmit", "--pretty", "false"]);
  },
  evaluate(ctx, [output]) {
    const findings = parseTsc(mainOutput(finished(output)).stdout, { root: ctx.dir }).findings;
    return countedFindings(findings, Number.POSITIVE_INFINITY, "type error");
  },
};

const SHELL_SYNTAX = /[&|;<>$`()'"\\*?]/;

/**
 * The arguments the project's test script gives its runner (`bun test ./tests`
 * -> ["./tests"]), so tollgate runs the tests the project runs. A script with
 * shell syntax is not taken apart: the runner's defaults apply.
 */
export function scriptArgs(script: unknown, runner: string): string[] {
  if (typeof script !== "string" || SHELL_SYNTAX.test(script)) return [];
  const words = script.trim().split(/\s+/);
  const prefix: Record<string, string[]> = {
    bun: ["bun", "test"],
    vitest: ["vitest"],
    jest: ["jest"],
    node: ["node"],
  };
  const expected = prefix[runner] ?? [];
  if (!expected.every((word, index) => words[index] === word)) return [];
  const rest = words.slice(expected.length);
  return runner === "vitest" ? rest.filter((word) => !["run", "watch", "--run"].includes(word)) : rest;
}

function testCommand(ctx: ProjectContext, key: string, command: string[]): { argv: string[]; reports: string[] } {
  const project = js(ctx);
  const runner = project.testRunner.value;
  const script = (projectFiles(ctx.dir).json("package.json") as { scripts?: { test?: unknown } } | undefined)?.scripts
    ?.test;
  const args = scriptArgs(script, runner);
  const junit = reportPath(ctx, key, "junit.xml");
  const lcovDir = reportPath(ctx, key, "coverage");
  const lcov = join(lcovDir, "lcov.info");
  const cov = ctx.coverage;
  switch (runner) {
    case "bun":
      return {
        argv: [
          ...command,
          "test",
          ...args,
          "--reporter=junit",
          `--reporter-outfile=${junit}`,
          ...(cov ? ["--coverage", "--coverage-reporter=lcov", `--coverage-dir=${lcovDir}`] : []),
        ],
        reports: cov ? [junit, lcov] : [junit],
      };
    case "vitest":
      return {
        argv: [
          ...command,
          "run",
          ...args,
          "--reporter=junit",
          `--outputFile=${junit}`,
          ...(cov ? ["--coverage.enabled", "--coverage.reporter=lcov", `--coverage.reportsDirectory=${lcovDir}`] : []),
        ],
        reports: cov ? [junit, lcov] : [junit],
      };
    case "jest": {
      const json = reportPath(ctx, key, "jest.json");
      return {
        argv: [
          ...command,
          ...args,
          "--ci",
          "--json",
          `--outputFile=${json}`,
          ...(cov ? ["--coverage", "--coverageReporters=lcov", `--coverageDirectory=${lcovDir}`] : []),
        ],
        reports: cov ? [json, lcov] : [json],
      };
    }
    case "node":
      return {
        argv: [
          ...command,
          "--test",
          "--test-reporter=junit",
          `--test-reporter-destination=${junit}`,
          ...(cov
            ? ["--experimental-test-coverage", "--test-reporter=lcov", `--test-reporter-destination=${lcov}`]
            : []),
          ...args.filter((arg) => arg !== "--test"),
        ],
        reports: cov ? [junit, lcov] : [junit],
      };
  }
}

function testPlan(ctx: ProjectContext): GatePlan {
  const runner = js(ctx).testRunner.value;
  const key = ctx.coverage ? "tests-coverage" : "tests";
  return withTool(ctx, runner, (command, version) => {
    const { argv, reports } = testCommand(ctx, key, command);
    return step(ctx, { key, tool: runner, toolVersion: version, commands: [{ argv }], reports });
  });
}

function testReport(ctx: ProjectContext, done: StepOutput): TestRunReport {
  const tool = js(ctx).testRunner.value === "bun" ? "bun test" : js(ctx).testRunner.value;
  const json = reportPath(ctx, done.key, "jest.json");
  if (json in done.reports) return parseJestJson(report(done, json), { root: ctx.dir, tool });
  return parseJUnit(report(done, reportPath(ctx, done.key, "junit.xml")), { root: ctx.dir, tool });
}

const test: GateDefinition = {
  gate: "test",
  plan: testPlan,
  evaluate: (ctx, [output]) => testEvaluation(testReport(ctx, finished(output))),
};

export function jsCoverage(ctx: ProjectContext, done: StepOutput): CoverageReport {
  return parseLcov(report(done, join(reportPath(ctx, done.key, "coverage"), "lcov.info")), { root: ctx.dir });
}

const coverage: GateDefinition = {
  gate: "coverage",
  plan: testPlan,
  evaluate: (ctx, [output]) =>
    coverageEvaluation(jsCoverage(ctx, finished(output)), ctx.config, js(ctx).testRunner.value),
};

const STRYKER_REPORT = "reports/mutation/mutation.json";

const mutation: GateDefinition = {
  gate: "mutation",
  plan(ctx) {
    const configured = toolConfigStatus("stryker", projectFiles(ctx.dir)).config === "project";
    const sources = ctx.project.sourceDirs.map(
      (dir) => `${relative(ctx, dir.value)}/**/*.{js,jsx,ts,tsx,mjs,cjs,mts,cts}`,
    );
    const bundled = [
      "--testRunner",
      "command",
      "--reporters",
      "json,clear-text",
      ...(sources.length > 0 ? ["--mutate", sources.join(",")] : []),
    ];
    return toolPlan(ctx, "stryker", "stryker", ["run", ...(configured ? [] : bundled)], {
      reports: [join(ctx.dir, STRYKER_REPORT)],
      timeoutMs: ctx.config.mutation.budget_seconds * 1000,
      modifies: true,
    });
  },
  evaluate(ctx, [output]) {
    const text = report(output as StepOutput, join(ctx.dir, STRYKER_REPORT));
    const parsed = parseStrykerReport(text, { root: ctx.dir, stopped: stoppedByBudget(output) });
    return mutationEvaluation(parsed, ctx.config);
  },
};

const deps: GateDefinition = {
  gate: "deps",
  plan: (ctx) => toolPlan(ctx, "knip", "knip", ["--reporter", "json", "--no-progress"]),
  evaluate(ctx, [output]) {
    const findings = parseKnip(mainOutput(finished(output)).stdout, { root: ctx.dir }).findings;
    return countedFindings(findings, 0, "knip finding");
  },
};

/** Runtime modules dependency-cruiser does not know as built-ins (Bun's, and node's newer ones). */
const RUNTIME_MODULES = [
  "bun",
  ...["ffi", "jsc", "sqlite", "test"].map((name) => `bun:${name}`),
  "node:sqlite",
  "node:test",
];

/** The rules tollgate runs dependency-cruiser with when the project has no config of its own. */
const BUNDLED_DEPCRUISE = `module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "not-to-unresolvable", severity: "error", from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: false,
    builtInModules: { add: ${JSON.stringify(RUNTIME_MODULES)} },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
`;

function depcruiseConfig(ctx: ProjectContext): string {
  const status = toolConfigStatus("dependency-cruiser", projectFiles(ctx.dir));
  if (status.found[0]) return status.found[0].file;
  const dir = ctx.outDir("depcruise");
  ensurePrivateDir(dir);
  const path = join(dir, "dependency-cruiser.cjs");
  writeFileAtomic(path, BUNDLED_DEPCRUISE);
  return path;
}

const arch: GateDefinition = {
  gate: "arch",
  plan(ctx) {
    const sources = ctx.project.sourceDirs.map((dir) => relative(ctx, dir.value));
    const paths = sources.length > 0 ? sources : projectEntries(ctx.dir, JS_EXTENSIONS);
    const args = [...paths, "--config", depcruiseConfig(ctx), "--output-type", "json"];
    return toolPlan(ctx, "dependency-cruiser", "depcruise", args);
  },
  evaluate(ctx, [output]) {
    const parsed = parseDependencyCruiser(mainOutput(finished(output)).stdout, { root: ctx.dir });
    const evaluation = countedFindings(parsed.findings, 0, "dependency rule violation");
    return { ...evaluation, summary: `${evaluation.summary} (${plural(parsed.modulesCruised, "module")} cruised)` };
  },
};

const AUDITS: Record<string, { args: string[]; parse: (text: string) => AuditReport } | undefined> = {
  npm: { args: ["audit", "--json"], parse: parseNpmAudit },
  pnpm: { args: ["audit", "--json"], parse: parsePnpmAudit },
  yarn: { args: ["npm", "audit", "--json"], parse: parseYarnAudit },
};

const audit: GateDefinition = {
  gate: "audit",
  plan(ctx) {
    const manager = js(ctx).packageManager.value;
    const spec = AUDITS[manager];
    if (spec === undefined) return { kind: "skip", reason: `tollgate does not read ${manager}'s audit output yet` };
    return toolPlan(ctx, manager, "audit", spec.args);
  },
  evaluate(ctx, [output]): Evaluation {
    const spec = AUDITS[js(ctx).packageManager.value];
    if (spec === undefined) throw new ParseError("audit", "no parser");
    return auditEvaluation(spec.parse(mainOutput(finished(output)).stdout), ctx.config);
  },
};

export const JS_GATES: readonly GateDefinition[] = [
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
