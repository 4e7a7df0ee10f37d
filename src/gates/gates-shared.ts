/**
 * Gates that work the same for both toolchains (complexity from lizard, CRAP
 * from lizard and the test run's coverage) and the project's custom gates.
 */
import { join } from "node:path";
import type { CustomGate } from "./config-schema.ts";
import type { CoverageReport } from "./coverage.ts";
import { computeCrap } from "./crap.ts";
import { exitCodeVerdict } from "./exit-codes.ts";
import { ParseError } from "./findings.ts";
import {
  assertFinished,
  countedFindings,
  type Evaluation,
  type GateContext,
  type GateDefinition,
  type GatePlan,
  noFiles,
  type ProjectContext,
  plural,
  report,
  round,
  step,
  targets,
  toolPlan,
} from "./gate-defs.ts";
import { coverageEvaluation, testEvaluation } from "./gate-evals.ts";
import { JS_GATES, jsCoverage } from "./gates-js.ts";
import { PYTHON_GATES, pythonCoverage } from "./gates-python.ts";
import { parseCobertura } from "./parse-cobertura.ts";
import { parseJUnit } from "./parse-junit.ts";
import { parseLcov } from "./parse-lcov.ts";
import { type ComplexityReport, parseLizardCsv } from "./parse-lizard.ts";
import { parseSarif } from "./parse-sarif.ts";
import { mainOutput, type StepOutput } from "./steps.ts";

const SOURCE_EXTENSIONS = [".py", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"];
const LIZARD_EXCLUDES = ["*/node_modules/*", "*/.venv/*", "*/venv/*", "*/dist/*", "*/build/*", "*/.tollgate/*"];

function lizardPlan(ctx: ProjectContext): GatePlan {
  const sources = ctx.project.sourceDirs.map((dir) =>
    ctx.project.dir === "." ? dir.value : dir.value.slice(ctx.project.dir.length + 1),
  );
  const paths = sources.length > 0 ? targets(ctx, SOURCE_EXTENSIONS, sources) : targets(ctx, SOURCE_EXTENSIONS);
  if (paths === null) return noFiles("source");
  const key = ctx.files === undefined ? "lizard" : "lizard-files";
  return toolPlan(ctx, "lizard", key, ["--csv", ...LIZARD_EXCLUDES.flatMap((glob) => ["-x", glob]), ...paths]);
}

function complexityReport(ctx: ProjectContext, output: StepOutput | undefined): ComplexityReport {
  const done = output as StepOutput;
  assertFinished(done);
  return parseLizardCsv(mainOutput(done).stdout, { root: ctx.dir, ccnLimit: ctx.config.complexity.ccn_max });
}

const complexity: GateDefinition = {
  gate: "complexity",
  fileLevel: true,
  plan: lizardPlan,
  evaluate(ctx, [output]) {
    const parsed = complexityReport(ctx, output);
    const limit = ctx.config.complexity.ccn_max;
    return {
      failed: parsed.findings.length > 0,
      summary: `highest CCN ${parsed.maxCcn} (<= ${limit}), ${plural(parsed.findings.length, "function")} above`,
      measurement: { value: parsed.maxCcn, unit: "highest CCN", threshold: limit, comparison: "<=" },
      findings: parsed.findings,
    };
  },
};

const definitionFor = (ctx: ProjectContext, gate: string) =>
  (ctx.project.toolchain === "python" ? PYTHON_GATES : JS_GATES).find((item) => item.gate === gate) as GateDefinition;

function measuredCoverage(ctx: ProjectContext, tests: StepOutput): CoverageReport {
  assertFinished(tests);
  return ctx.project.toolchain === "python" ? pythonCoverage(ctx, tests) : jsCoverage(ctx, tests);
}

const crap: GateDefinition = {
  gate: "crap",
  plan(ctx) {
    const complexityPlan = lizardPlan(ctx);
    const coveragePlan = definitionFor(ctx, "coverage").plan(ctx);
    for (const plan of [complexityPlan, coveragePlan]) if (plan.kind !== "steps") return plan;
    const steps = [complexityPlan, coveragePlan].flatMap((plan) => (plan.kind === "steps" ? plan.steps : []));
    return { kind: "steps", tool: "lizard", steps };
  },
  evaluate(ctx, [lizard, tests]): Evaluation {
    const functions = complexityReport(ctx, lizard).functions;
    const limit = ctx.config.crap.max;
    const crapReport = computeCrap(functions, measuredCoverage(ctx, tests as StepOutput), { limit });
    const worst = crapReport.functions.slice(0, 5).map((entry) => `${entry.name} ${round(entry.crap)}`);
    return {
      failed: crapReport.findings.length > 0,
      summary: `worst CRAP ${round(crapReport.maxCrap)} (<= ${limit})${worst.length > 0 ? `: ${worst.join(", ")}` : ""}${
        crapReport.unmatched.length > 0
          ? `; ${plural(crapReport.unmatched.length, "function")} without coverage data`
          : ""
      }`,
      measurement: { value: round(crapReport.maxCrap), unit: "worst CRAP", threshold: limit, comparison: "<=" },
      findings: crapReport.findings,
    };
  },
};

export const SHARED_GATES: readonly GateDefinition[] = [complexity, crap];

/** A project's own gate: its command, and the parser its report is read with. */
export function customGate(custom: CustomGate): GateDefinition<GateContext> {
  const reportFile = (ctx: GateContext) => (custom.report === undefined ? undefined : join(ctx.root, custom.report));
  return {
    gate: custom.name,
    plan: (ctx) => ({
      kind: "steps",
      tool: custom.name,
      steps: [
        step(ctx, {
          key: `custom-${custom.name}`,
          tool: custom.name,
          toolVersion: "custom",
          cwd: ctx.root,
          commands: [{ argv: [...custom.command] }],
          reports: [reportFile(ctx)].filter((path): path is string => path !== undefined),
        }),
      ],
    }),
    evaluate(ctx, [output]) {
      const done = output as StepOutput;
      assertFinished(done);
      const path = reportFile(ctx);
      const text = () => report(done, path as string);
      const options = { root: ctx.root, tool: custom.name };
      switch (custom.parser) {
        case "exit-code": {
          const code = mainOutput(done).exitCode;
          const failed = exitCodeVerdict(code) === "fail";
          return { failed, summary: `exited ${code}`, findings: [] };
        }
        case "junit":
          return testEvaluation(parseJUnit(text(), options));
        case "sarif":
          return countedFindings(parseSarif(text(), options).findings, ctx.config.lint.max_warnings, "finding");
        case "lcov":
          return coverageEvaluation(parseLcov(text(), options), ctx.config, custom.name);
        case "cobertura":
          return coverageEvaluation(parseCobertura(text(), options), ctx.config, custom.name);
        default:
          throw new ParseError(custom.name, `unknown parser ${custom.parser as string}`);
      }
    },
  };
}
