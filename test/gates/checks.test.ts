import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gatesChecks, memoryFs, type ProbeRunner } from "../../src/gates/index.ts";

/** Tools on a fake PATH (/usr/bin), each answering `--version` with `version`. */
function runnerWith(tools: Record<string, string>): ProbeRunner {
  return {
    which: (bin) => (bin in tools ? `/usr/bin/${bin}` : undefined),
    run: async (argv) => ({ exitCode: 0, timedOut: false, output: tools[String(argv[0]).slice(9)] ?? "" }),
  };
}

const pythonRepo = memoryFs({ "pyproject.toml": "[tool.pytest.ini_options]\n", "tests/test_a.py": "" });

describe("the doctor's gates section", () => {
  test("a folder without a project says so and fails nothing", async () => {
    const checks = await gatesChecks("/empty", { fs: memoryFs({}), runner: runnerWith({}) });
    expect(checks).toEqual([
      {
        section: "gates",
        name: "project",
        status: "ok",
        detail: "no pyproject.toml, setup.py or package.json in /empty or its subfolders: no gates to run here",
      },
    ]);
  });

  test("outside any project nothing is scanned and nothing fails", async () => {
    const checks = await gatesChecks(null, { fs: memoryFs({ "/x/pyproject.toml": "" }), runner: runnerWith({}) });
    expect(checks).toEqual([
      {
        section: "gates",
        name: "project",
        status: "ok",
        detail:
          "not inside a project (no .git, tollgate.toml, pyproject.toml or package.json here or above): no gates to run",
      },
    ]);
  });

  test("the real disk: an empty temporary folder has no project", async () => {
    const empty = mkdtempSync(join(tmpdir(), "tollgate-gates-"));
    const checks = await gatesChecks(empty);
    expect(checks.map((check) => [check.name, check.status])).toEqual([["project", "ok"]]);
  });

  test("the detected toolchain is listed with every value's source", async () => {
    const [project] = await gatesChecks("/repo", { fs: pythonRepo, runner: runnerWith({}) });
    expect(project).toEqual({
      section: "gates",
      name: "python",
      status: "ok",
      detail:
        "found by pyproject.toml; no source folder; tests tests (tests/); " +
        "test runner pytest (pyproject.toml [tool.pytest.ini_options]); " +
        "tools via path (default: no uv.lock and no .venv, tools from PATH)",
    });
  });

  test("found tools are ok with their version; a missing ci tool fails, a missing advisory tool warns, each with its install command", async () => {
    const checks = await gatesChecks("/repo", {
      fs: pythonRepo,
      runner: runnerWith({ ruff: "ruff 0.6.9", pytest: "pytest 8.3.3" }),
    });
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]));
    expect(byName.ruff).toEqual({
      section: "gates",
      name: "ruff",
      status: "ok",
      detail: "0.6.9 at /usr/bin/ruff (fix, format, lint gates)",
    });
    expect(byName.basedpyright).toEqual({
      section: "gates",
      name: "basedpyright",
      status: "fail",
      detail: "not installed: the typecheck gate cannot run (fail means `tollgate ci` could not run)",
      fix: "pip install basedpyright",
    });
    expect(byName.mutmut).toEqual({
      section: "gates",
      name: "mutmut",
      status: "warn",
      detail: "not installed: the advisory mutation gate will report missing",
      fix: "pip install mutmut",
    });
    expect(checks.filter((check) => check.status === "fail").map((check) => check.name)).toEqual(["basedpyright"]);
  });

  test("a broken tool fails like a missing one and says what went wrong", async () => {
    const runner: ProbeRunner = {
      which: (bin) => `/usr/bin/${bin}`,
      run: async (argv) =>
        argv[0] === "/usr/bin/ruff"
          ? { exitCode: null, timedOut: true, output: "" }
          : { exitCode: 0, timedOut: false, output: "1.0.0" },
    };
    const checks = await gatesChecks("/repo", { fs: pythonRepo, runner });
    expect(checks.find((check) => check.name === "ruff")).toEqual({
      section: "gates",
      name: "ruff",
      status: "fail",
      detail:
        "found at /usr/bin/ruff, but `/usr/bin/ruff --version` timed out: the fix, format, lint gates cannot run (fail means `tollgate ci` could not run)",
      fix: "reinstall ruff, then check `/usr/bin/ruff --version`",
    });
    expect(checks.filter((check) => check.status !== "ok").map((check) => check.name)).toEqual(["ruff"]);
  });

  test("a polyglot repository lists both toolchains and names each tool's project; invalid JSON warns", async () => {
    const fs = memoryFs({
      "pyproject.toml": "",
      "package.json": "{",
      "web/package.json": JSON.stringify({ devDependencies: { typescript: "5" } }),
    });
    const checks = await gatesChecks("/repo", { fs, runner: runnerWith({}) });
    expect(checks.slice(0, 4).map((check) => [check.name, check.status])).toEqual([
      ["python (.)", "ok"],
      ["js/ts (.)", "ok"],
      ["js/ts (web)", "ok"],
      ["config", "warn"],
    ]);
    expect(checks[3]?.detail).toBe(
      "package.json: invalid JSON at line 1, column 2: expected a string key: detection ignores this file until it parses",
    );
    expect(checks.find((check) => check.name === "tsc (js/ts web)")).toMatchObject({
      status: "fail",
      fix: "cd web && npm install --save-dev typescript",
    });
    expect(checks.find((check) => check.name === "tsc (js/ts .)")).toBeUndefined();
    expect(checks.filter((check) => check.name.startsWith("lizard")).map((check) => check.name)).toEqual([
      "lizard (python .)",
      "lizard (js/ts .)",
      "lizard (js/ts web)",
    ]);
  });

  test("the gates config on disk: its file and preset when it loads, a failure naming the key when it does not", async () => {
    const project = (files: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), "tollgate-gates-"));
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
      return dir;
    };
    const config = async (dir: string) =>
      (await gatesChecks(dir, { runner: runnerWith({}) })).find((check) => check.name === "config");
    expect(await config(project({ "pyproject.toml": "", "tollgate.toml": 'preset = "strict"\n' }))).toEqual({
      section: "gates",
      name: "config",
      status: "ok",
      detail: "tollgate.toml, preset strict",
    });
    expect(await config(project({ "pyproject.toml": "" }))).toMatchObject({
      status: "ok",
      detail: "no gates config: preset baseline and defaults",
    });
    const typo = await config(project({ "pyproject.toml": '[tool.tollgate]\npresett = "strict"\n' }));
    expect(typo?.status).toBe("fail");
    expect(typo?.detail).toContain("presett");
    expect(typo?.fix).toBe("correct the file, then `tollgate config` shows every resolved value and its source");
  });
});
