import { describe, expect, test } from "bun:test";
import { project, runConfig } from "./config-helpers.ts";

describe("tollgate config", () => {
  const root = project({ "tollgate.toml": 'preset = "strict"\n[coverage]\nline_min = 95\n' });

  test("lists every resolved value with its source on stderr, nothing on stdout", () => {
    const result = runConfig(root, ["--coverage-min", "97", "--skip", "mutation,audit"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("");
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe(`tollgate config for ${root} (config from tollgate.toml)`);
    const row = (key: string) =>
      lines
        .find((line) => line.trim().startsWith(`${key} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(row("preset")).toEqual(["preset", "strict", "tollgate.toml"]);
    expect(row("coverage.line_min")).toEqual(["coverage.line_min", "97", "flag --coverage-min"]);
    expect(row("skip")).toEqual(["skip", '["mutation","audit"]', "flag --skip"]);
    expect(row("coverage.branch_min")).toEqual(["coverage.branch_min", "85", "preset strict"]);
    expect(row("mutation.budget_seconds")).toEqual(["mutation.budget_seconds", "600", "default"]);
  });

  test("--json prints the resolved config and the source of every key on stdout", () => {
    const result = runConfig(root, ["--json", "--preset", "legacy", "--no-sandbox"]);
    expect(result.code).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.root).toBe(root);
    expect(document.file).toBe("tollgate.toml");
    expect(document.config.coverage).toEqual({ line_min: 95, branch_min: 30 });
    expect(document.config.gates.crap).toEqual({ enabled: true, blocking: false });
    expect(document.config.sandbox).toBe(false);
    expect(document.sources).toMatchObject({
      preset: "flag --preset",
      sandbox: "flag --sandbox",
      "coverage.line_min": "tollgate.toml",
      "coverage.branch_min": "preset legacy",
      "gates.custom": "default",
    });
  });

  test("a config typo exits 2 with the file, the key and a did-you-mean", () => {
    const typo = project({ "pyproject.toml": "[tool.tollgate.coverage]\nline_mn = 80\n" });
    const result = runConfig(typo, []);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(
      "pyproject.toml [tool.tollgate]: tool.tollgate.coverage.line_mn: unknown key (did you mean tool.tollgate.coverage.line_min?)",
    );
  });

  test("an unknown preset on the command line exits 2 and names the flag", () => {
    const result = runConfig(root, ["--preset", "strcit"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flag --preset: preset: expected one of baseline, strict, legacy, got "strcit"');
  });
});

describe("tollgate config show TOOL", () => {
  test("names the project's config file when the tool has one", () => {
    const root = project({ "pyproject.toml": "[tool.ruff]\nline-length = 100\n", "ruff.toml": "" });
    const result = runConfig(root, ["show", "ruff"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      "ruff: runs on the project's config in ruff.toml\n  also present, not read first: pyproject.toml [tool.ruff]\n",
    );
  });

  test("says when tollgate passes its bundled default, or when the tool runs on its own defaults", () => {
    const root = project({ "package.json": '{"name":"demo"}' });
    expect(runConfig(root, ["show", "stryker"]).stderr).toBe(
      "stryker: no project config; tollgate passes its bundled default settings\n",
    );
    expect(runConfig(root, ["show", "tsc"]).stderr).toBe(
      "tsc: no project config; tsc runs on its built-in defaults (tollgate bundles none)\n",
    );
  });

  test("--json prints the verdict and the file on stdout", () => {
    const root = project({ "package.json": '{"name":"demo","knip":{"entry":["src/main.ts"]}}' });
    const result = runConfig(root, ["show", "knip", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      root,
      tool: "knip",
      config: "project",
      found: [{ file: "package.json", section: '"knip"' }],
      file: "package.json",
      section: '"knip"',
    });
  });

  test("an unknown tool exits 2 and lists the known ones", () => {
    const result = runConfig(project({}), ["show", "pylint"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown tool "pylint"; known tools: ruff, basedpyright, pytest');
  });
});
