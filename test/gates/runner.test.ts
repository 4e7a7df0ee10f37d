/**
 * The runner's own rules, with a fake step executor: what runs when and how
 * often, and how a verdict is read when a tool misbehaves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULTS, type GatesConfig } from "../../src/gates/config.ts";
import { scriptArgs } from "../../src/gates/gates-js.ts";
import { detectProject, type ToolProbe } from "../../src/gates/index.ts";
import { probeTools } from "../../src/gates/probe.ts";
import { type RunInput, runStage } from "../../src/gates/runner.ts";
import { STAGE_SPECS } from "../../src/gates/stages.ts";
import type { CommandOutput, StepOutput, StepSpec } from "../../src/gates/steps.ts";
import { tempDir } from "../helpers.ts";

// The runner keeps its lock and work folders in the user's cache folder: a private one here.
const realCacheHome = process.env.XDG_CACHE_HOME;
beforeAll(() => {
  process.env.XDG_CACHE_HOME = tempDir("runner-cache-");
});
afterAll(() => {
  if (realCacheHome === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = realCacheHome;
});

/** A TypeScript project on disk (the runner lists its folders) whose tools all "exist". */
async function tsProject(): Promise<Pick<RunInput, "root" | "detection" | "probes">> {
  const root = tempDir("runner-");
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src/a.ts"), "export const a = 1;\n");
  writeFileSync(join(root, "package.json"), JSON.stringify({ scripts: { test: "bun test" } }));
  writeFileSync(join(root, "tsconfig.json"), "{}");
  writeFileSync(join(root, "biome.json"), "{}");
  const detection = detectProject(root);
  const probes: ToolProbe[] = await probeTools(detection, {
    which: (bin) => `/usr/bin/${bin}`,
    run: async () => ({ exitCode: 0, timedOut: false, output: "1.0.0" }),
  });
  return { root, detection, probes };
}

type Reply = Partial<CommandOutput> & { reports?: Record<string, string> };

/** An executor answering each step by its key; it records what ran and how many ran at once. */
function fakeExecutor(replies: (spec: StepSpec) => Reply) {
  const ran: string[] = [];
  let running = 0;
  let most = 0;
  const execute = async (spec: StepSpec): Promise<StepOutput> => {
    ran.push(spec.key);
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running--;
    const reply = replies(spec);
    return {
      key: spec.key,
      tool: spec.tool,
      toolVersion: spec.toolVersion,
      commands: [
        { argv: spec.commands[0]?.argv ?? [], exitCode: 0, timedOut: false, stdout: "", stderr: "", ...reply },
      ],
      reports: { ...Object.fromEntries(spec.reports.map((path) => [path, null])), ...reply.reports },
      durationMs: 20,
      cached: false,
    };
  };
  return { execute, ran, most: () => most };
}

const CLEAN_BIOME = JSON.stringify({ summary: { errors: 0, warnings: 0 }, diagnostics: [] });
const JUNIT = '<testsuites><testsuite name="s" tests="1"><testcase name="t" classname="c"/></testsuite></testsuites>';
const LCOV = "SF:src/a.ts\nDA:1,1\nLF:1\nLH:1\nend_of_record\n";

function cleanReplies(spec: StepSpec): Reply {
  if (spec.key.startsWith("biome")) return { stdout: CLEAN_BIOME };
  if (spec.key.startsWith("tests")) {
    const reports = Object.fromEntries(spec.reports.map((path) => [path, path.endsWith(".xml") ? JUNIT : LCOV]));
    return { reports };
  }
  if (spec.key === "knip") return { stdout: JSON.stringify({ issues: [] }) };
  return {};
}

function input(
  project: Pick<RunInput, "root" | "detection" | "probes">,
  execute: RunInput["execute"],
  overrides: Omit<Partial<RunInput>, "config"> & { config?: Partial<GatesConfig> } = {},
): RunInput {
  const { config, ...rest } = overrides;
  return {
    stage: "ci",
    spec: STAGE_SPECS.ci,
    ...project,
    config: { ...structuredClone(DEFAULTS), ...config },
    customGates: [],
    useCache: false,
    execute,
    ...rest,
  };
}

describe("the runner", () => {
  test("gates that read the same step share one run of it; independent steps run side by side up to the limit", async () => {
    const project = await tsProject();
    const fake = fakeExecutor(cleanReplies);
    const only = ["lint", "test", "coverage", "deps"] as GatesConfig["only"];
    const report = await runStage(input(project, fake.execute, { concurrency: 2, config: { only } }));
    expect(report.gates.map((gate) => [gate.id, gate.verdict])).toEqual([
      ["lint", "pass"],
      ["test", "pass"],
      ["coverage", "pass"],
      ["deps", "pass"],
    ]);
    expect(fake.ran.filter((key) => key === "tests-coverage")).toHaveLength(1);
    expect(fake.most()).toBe(2);
  });

  test("fixers run first and one at a time, before any check reads the files", async () => {
    const project = await tsProject();
    const fake = fakeExecutor(cleanReplies);
    const only = ["fix", "format", "lint", "typecheck"] as GatesConfig["only"];
    await runStage(input(project, fake.execute, { stage: "check", spec: STAGE_SPECS.check, config: { only } }));
    expect(fake.ran.slice(0, 2)).toEqual(["biome-fix", "biome-format"]);
  });

  test("a tool that timed out, or wrote what its parser cannot read, is an error, never a pass", async () => {
    const project = await tsProject();
    const fake = fakeExecutor((spec) =>
      spec.key === "tsc" ? { timedOut: true, exitCode: null } : { stdout: "Segmentation fault", exitCode: 0 },
    );
    const only = ["typecheck", "lint"] as GatesConfig["only"];
    const report = await runStage(input(project, fake.execute, { config: { only } }));
    expect(report.gates.map((gate) => [gate.id, gate.verdict])).toEqual([
      ["lint", "error"],
      ["typecheck", "error"],
    ]);
    expect(report.gates[1]?.summary).toContain("timed out");
    expect(report.verdict).toBe("fail");
  });

  test("an advisory gate's failure is a warning that does not fail the stage; a non-blocking config does the same", async () => {
    const project = await tsProject();
    const knip = JSON.stringify({ issues: [{ file: "src/a.ts", exports: [{ name: "a", line: 1, col: 14 }] }] });
    const fake = fakeExecutor((spec) => (spec.key === "knip" ? { stdout: knip, exitCode: 1 } : cleanReplies(spec)));
    const check = await runStage(
      input(project, fake.execute, { stage: "check", spec: STAGE_SPECS.check, config: { only: ["deps"] } }),
    );
    expect(check.gates[0]).toMatchObject({ verdict: "warn", blocking: false });
    expect(check.verdict).toBe("pass");
    const ci = await runStage(input(project, fake.execute, { config: { only: ["deps"] } }));
    expect(ci.verdict).toBe("fail");
    const gates = { ...structuredClone(DEFAULTS.gates), deps: { enabled: true, blocking: false } };
    const relaxed = await runStage(input(project, fake.execute, { config: { only: ["deps"], gates } }));
    expect(relaxed.gates[0]?.verdict).toBe("warn");
    expect(relaxed.verdict).toBe("pass");
  });

  test("a missing tool fails ci and only warns in check", async () => {
    const project = await tsProject();
    const probes = project.probes.map((probe) =>
      probe.tool === "tsc"
        ? { ...probe, status: { state: "missing" as const, install: "npm i -D typescript" } }
        : probe,
    );
    const fake = fakeExecutor(cleanReplies);
    const only = ["typecheck"] as GatesConfig["only"];
    const ci = await runStage(input({ ...project, probes }, fake.execute, { config: { only } }));
    expect(ci.gates[0]).toMatchObject({ verdict: "missing", install: "npm i -D typescript" });
    expect(ci.verdict).toBe("fail");
    const check = await runStage(
      input({ ...project, probes }, fake.execute, { stage: "check", spec: STAGE_SPECS.check, config: { only } }),
    );
    expect(check.verdict).toBe("pass");
    expect(fake.ran).not.toContain("tsc");
  });

  test("check reads CRAP only from cached measurements: with none, it says so instead of running lizard", async () => {
    const project = await tsProject();
    const fake = fakeExecutor(cleanReplies);
    const report = await runStage(
      input(project, fake.execute, { stage: "check", spec: STAGE_SPECS.check, config: { only: ["crap"] } }),
    );
    expect(report.gates[0]?.verdict).toBe("skip");
    expect(report.gates[0]?.summary).toContain("no current measurement");
    expect(fake.ran).not.toContain("lizard");
  });
});

describe("the test command follows the project's test script", () => {
  test.each([
    ["bun test ./tests/x.check.ts", "bun", ["./tests/x.check.ts"]],
    ["bun test", "bun", []],
    ["vitest run --dir src", "vitest", ["--dir", "src"]],
    ["jest --runInBand", "jest", ["--runInBand"]],
    ["node --test web/double.test.js", "node", ["--test", "web/double.test.js"]],
    ["npm run build && bun test", "bun", []],
    ["bun test $(ls tests)", "bun", []],
    ["vitest", "jest", []],
  ])("%p for %p -> %p", (script, runner, args) => {
    expect(scriptArgs(script, runner)).toEqual(args);
  });
});
