import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Detection,
  detectProject,
  memoryFs,
  type ProbeRunner,
  parseVersion,
  probeTools,
  realRunner,
  type ToolProbe,
} from "../../src/gates/index.ts";
import { PROJECT_ROOT } from "../helpers.ts";

type Reply = { exitCode: number | null; output: string; timedOut?: boolean } | Error;

/** Executables at absolute paths (local bin folders or PATH), each replying to `--version` as recorded. */
function fakeRunner(bins: Record<string, Reply>, path: readonly string[] = ["/usr/bin"]) {
  const calls: string[][] = [];
  const runner: ProbeRunner = {
    which: (bin, dirs) => [...dirs, ...path].map((dir) => `${dir}/${bin}`).find((candidate) => candidate in bins),
    async run(argv) {
      calls.push([...argv]);
      const reply = bins[argv[0] as string] as Reply;
      if (reply instanceof Error) throw reply;
      return { timedOut: false, ...reply };
    },
  };
  return { runner, calls };
}

const ok = (output: string): Reply => ({ exitCode: 0, output });

function byTool(probes: ToolProbe[]): Record<string, ToolProbe["status"]> {
  return Object.fromEntries(probes.map((probe) => [probe.tool, probe.status]));
}

const detect = (files: Record<string, string>): Detection => detectProject("/repo", memoryFs(files));

describe("version parsing from real --version outputs", () => {
  test.each([
    ["ruff 0.6.9", "0.6.9"],
    ["basedpyright 1.40.1\nbased on pyright 1.1.414", "1.40.1"],
    ["pytest 8.3.3", "8.3.3"],
    ["Version 6.0.2", "6.0.2"],
    ["Version: 2.6.8", "2.6.8"],
    ["v10.15.0", "10.15.0"],
    ["Coverage.py, version 7.6.1 with C extension\nFull documentation is at https://coverage.readthedocs.io", "7.6.1"],
    ["mutmut, version 3.2.0", "3.2.0"],
    ["vitest/2.1.8 linux-x64 node-v20.11.0", "2.1.8"],
    ["1.4.5", "1.4.5"],
    ["Python 3.11.7", "3.11.7"],
    ["9.0.0-rc.1", "9.0.0-rc.1"],
  ])("%p -> %p", (output, version) => {
    expect(parseVersion(output)).toBe(version);
  });

  test("output without a version number has none", () => {
    expect(parseVersion("usage: tool [options]")).toBeUndefined();
  });
});

describe("probing a Python project", () => {
  const uvProject = detect({
    "pyproject.toml": "[tool.pytest.ini_options]\n",
    "uv.lock": "",
    ".venv/bin/python": "",
  });

  test("tools in the venv are found there first, with their versions; the rest are missing with `uv add --dev`", async () => {
    const { runner } = fakeRunner({
      "/repo/.venv/bin/ruff": ok("ruff 0.6.9"),
      "/repo/.venv/bin/basedpyright": ok("basedpyright 1.40.1\nbased on pyright 1.1.414"),
      "/repo/.venv/bin/pytest": ok("pytest 8.3.3"),
      "/usr/bin/pytest": ok("pytest 7.0.0"),
      "/usr/bin/lizard": ok("1.17.10"),
    });
    const status = byTool(await probeTools(uvProject, runner));
    expect(status).toEqual({
      ruff: { state: "found", path: "/repo/.venv/bin/ruff", version: "0.6.9" },
      basedpyright: { state: "found", path: "/repo/.venv/bin/basedpyright", version: "1.40.1" },
      pytest: { state: "found", path: "/repo/.venv/bin/pytest", version: "8.3.3" },
      coverage: { state: "missing", install: "uv add --dev coverage" },
      lizard: { state: "found", path: "/usr/bin/lizard", version: "1.17.10" },
      mutmut: { state: "missing", install: "uv add --dev mutmut" },
      deptry: { state: "missing", install: "uv add --dev deptry" },
      "import-linter": { state: "missing", install: "uv add --dev import-linter" },
      "pip-audit": { state: "missing", install: "uv add --dev pip-audit" },
    });
  });

  test("a venv project without uv installs with the venv's pip; a unittest project probes python3", async () => {
    const detection = detect({ "pyproject.toml": "", ".venv/bin/python": "" });
    const { runner, calls } = fakeRunner({ "/repo/.venv/bin/python3": ok("Python 3.12.1") });
    const probes = await probeTools(detection, runner);
    const status = byTool(probes);
    expect(status["python (unittest)"]).toEqual({ state: "found", path: "/repo/.venv/bin/python3", version: "3.12.1" });
    expect(status.ruff).toEqual({ state: "missing", install: ".venv/bin/pip install ruff" });
    expect(status["import-linter"]).toEqual({ state: "missing", install: ".venv/bin/pip install import-linter" });
    expect(status.pytest).toBeUndefined();
    expect(calls).toEqual([["/repo/.venv/bin/python3", "--version"]]);
  });

  test("a tool the venv has as a module but not as a script runs as `python -m` (a system-site-packages venv)", async () => {
    const detection = detect({ "pyproject.toml": "[tool.pytest.ini_options]\n", ".venv/bin/python": "" });
    const { runner, calls } = fakeRunner({ "/repo/.venv/bin/python": ok("pytest 7.2.1") });
    const status = byTool(await probeTools(detection, runner));
    expect(status.pytest).toEqual({
      state: "found",
      path: "/repo/.venv/bin/python",
      version: "7.2.1",
      module: "pytest",
    });
    expect(calls).toContainEqual(["/repo/.venv/bin/python", "-m", "pytest", "--version"]);
    expect(status["import-linter"]).toEqual({ state: "missing", install: ".venv/bin/pip install import-linter" });
  });

  test("without uv or a venv, the suggestion is plain pip; a sub-project's uv command runs in its folder", async () => {
    const { runner } = fakeRunner({});
    const plain = byTool(await probeTools(detect({ "pyproject.toml": "" }), runner));
    expect(plain.ruff).toEqual({ state: "missing", install: "pip install ruff" });
    const nested = byTool(await probeTools(detect({ "uv.lock": "", "services/api/pyproject.toml": "" }), runner));
    expect(nested.ruff).toEqual({ state: "missing", install: "cd services/api && uv add --dev ruff" });
  });
});

describe("probing a JavaScript project", () => {
  const tsProject = (lockfile: string, extra: Record<string, string> = {}) =>
    detect({
      "package.json": JSON.stringify({ scripts: { test: "vitest" }, devDependencies: { "@biomejs/biome": "2" } }),
      "tsconfig.json": "{}",
      [lockfile]: "",
      "node_modules/.bin/": "",
      ...extra,
    });

  test.each([
    ["package-lock.json", "npm install --save-dev", "npm"],
    ["pnpm-lock.yaml", "pnpm add -D", "pnpm"],
    ["yarn.lock", "yarn add -D", "yarn"],
    ["bun.lock", "bun add -d", "bun"],
  ])("with %p, missing tools install with `%s`", async (lockfile, add, manager) => {
    const { runner } = fakeRunner({});
    const probes = await probeTools(tsProject(lockfile), runner);
    const status = byTool(probes);
    expect(status.biome).toEqual({ state: "missing", install: `${add} @biomejs/biome` });
    expect(status.tsc).toEqual({ state: "missing", install: `${add} typescript` });
    expect(status.vitest).toEqual({ state: "missing", install: `${add} vitest` });
    expect(status.stryker).toEqual({ state: "missing", install: `${add} @stryker-mutator/core` });
    expect(status["dependency-cruiser"]).toEqual({ state: "missing", install: `${add} dependency-cruiser` });
    expect(status.lizard).toEqual({ state: "missing", install: "pip install lizard" });
    expect(probes.find((probe) => probe.gates.includes("audit"))?.tool).toBe(manager);
  });

  test("node_modules/.bin comes before PATH; eslint and jest serve their gates; versions parsed", async () => {
    const detection = detect({
      "package.json": JSON.stringify({ devDependencies: { jest: "29", eslint: "9" } }),
      "yarn.lock": "",
      "node_modules/.bin/": "",
    });
    const { runner } = fakeRunner({
      "/repo/node_modules/.bin/eslint": ok("v10.15.0"),
      "/usr/bin/eslint": ok("v8.0.0"),
      "/repo/node_modules/.bin/jest": ok("29.7.0"),
      "/usr/bin/yarn": ok("1.22.22"),
    });
    const probes = await probeTools(detection, runner);
    expect(byTool(probes)).toMatchObject({
      eslint: { state: "found", path: "/repo/node_modules/.bin/eslint", version: "10.15.0" },
      jest: { state: "found", path: "/repo/node_modules/.bin/jest", version: "29.7.0" },
      yarn: { state: "found", path: "/usr/bin/yarn", version: "1.22.22" },
    });
    expect(probes.map((probe) => probe.tool)).not.toContain("tsc");
    expect(probes.find((probe) => probe.tool === "eslint")?.gates).toEqual(["fix", "lint"]);
  });

  test("a timed-out, failing or unstartable probe is reported as broken, not thrown", async () => {
    const { runner } = fakeRunner({
      "/repo/node_modules/.bin/biome": { exitCode: null, output: "", timedOut: true },
      "/repo/node_modules/.bin/tsc": { exitCode: 127, output: "/usr/bin/env: 'node': No such file or directory" },
      "/repo/node_modules/.bin/vitest": new Error("spawn EACCES"),
      "/usr/bin/npm": ok("10.2.4\n"),
    });
    const status = byTool(await probeTools(tsProject("package-lock.json"), runner));
    expect(status.biome).toEqual({
      state: "broken",
      path: "/repo/node_modules/.bin/biome",
      problem: "`/repo/node_modules/.bin/biome --version` timed out",
    });
    expect(status.tsc).toEqual({
      state: "broken",
      path: "/repo/node_modules/.bin/tsc",
      problem: "`/repo/node_modules/.bin/tsc --version` exited 127: /usr/bin/env: 'node': No such file or directory",
    });
    expect(status.vitest).toEqual({
      state: "broken",
      path: "/repo/node_modules/.bin/vitest",
      problem: "`/repo/node_modules/.bin/vitest --version` could not start: spawn EACCES",
    });
    expect(status.npm).toEqual({ state: "found", path: "/usr/bin/npm", version: "10.2.4" });
  });

  test("a monorepo's packages sharing a hoisted tool run its version probe once", async () => {
    const detection = detect({
      "package.json": JSON.stringify({ devDependencies: { "@biomejs/biome": "2" } }),
      "packages/a/package.json": "{}",
      "packages/b/package.json": "{}",
      "node_modules/.bin/": "",
    });
    const { runner, calls } = fakeRunner({ "/repo/node_modules/.bin/biome": ok("Version: 2.6.8") });
    const probes = await probeTools(detection, runner);
    const biome = probes.filter((probe) => probe.tool === "biome");
    expect(biome.map((probe) => [probe.project.dir, probe.status.state])).toEqual([
      [".", "found"],
      ["packages/a", "found"],
      ["packages/b", "found"],
    ]);
    expect(calls.filter(([argv0]) => argv0?.endsWith("/biome"))).toHaveLength(1);
  });

  test("no project, nothing probed", async () => {
    const { runner, calls } = fakeRunner({ "/usr/bin/node": ok("v20.0.0") });
    expect(await probeTools(detect({}), runner)).toEqual([]);
    expect(calls).toEqual([]);
  });
});

describe("the real runner on this machine", () => {
  const devDependencies = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).devDependencies;

  test("tollgate's own repository: biome, tsc and bun from node_modules/.bin, at the versions package.json pins", async () => {
    const probes = await probeTools(detectProject(PROJECT_ROOT), realRunner("/nonexistent-path"));
    const status = byTool(probes);
    const bin = join(PROJECT_ROOT, "node_modules/.bin");
    expect(status.biome).toEqual({ state: "found", path: `${bin}/biome`, version: devDependencies["@biomejs/biome"] });
    expect(status.tsc).toEqual({ state: "found", path: `${bin}/tsc`, version: devDependencies.typescript });
    expect(status.bun).toEqual({ state: "found", path: `${bin}/bun`, version: devDependencies.bun });
    expect(status.knip).toEqual({ state: "found", path: `${bin}/knip`, version: devDependencies.knip });
    expect(status.mutmut).toBeUndefined();
  });

  test("the Python fixture: pytest from PATH, at the version `python3 -m pytest --version` reports", async () => {
    const expected = Bun.spawnSync(["python3", "-m", "pytest", "--version"]);
    const version = parseVersion(`${expected.stdout}${expected.stderr}`);
    expect(version).toBeDefined();
    const fixture = join(PROJECT_ROOT, "test/fixtures/gates/projects/python-pkg");
    const status = byTool(await probeTools(detectProject(fixture), realRunner()));
    expect(status.pytest).toMatchObject({ state: "found", version });
  });
});
