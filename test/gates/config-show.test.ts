import { describe, expect, test } from "bun:test";
import { UserError } from "../../src/core/index.ts";
import { projectFiles } from "../../src/gates/config-sources.ts";
import { TOOL_CONFIGS, toolConfigStatus } from "../../src/gates/tool-configs.ts";
import { project } from "./config-helpers.ts";

function status(tool: string, files: Record<string, string>) {
  return toolConfigStatus(tool, projectFiles(project(files)));
}

describe("which config a tool runs on", () => {
  test.each([
    ["ruff", "ruff.toml", "line-length = 100\n"],
    ["ruff", ".ruff.toml", "line-length = 100\n"],
    ["basedpyright", "pyrightconfig.json", "{}"],
    ["pytest", "pytest.ini", "[pytest]\n"],
    ["coverage", ".coveragerc", "[run]\nbranch = true\n"],
    ["import-linter", ".importlinter", "[importlinter]\n"],
    ["biome", "biome.json", "{}"],
    ["biome", "biome.jsonc", "{}"],
    ["eslint", "eslint.config.mjs", "export default [];\n"],
    ["eslint", ".eslintrc.json", "{}"],
    ["oxlint", ".oxlintrc.json", "{}"],
    ["tsc", "tsconfig.json", "{}"],
    ["knip", "knip.config.ts", "export default {};\n"],
    ["dependency-cruiser", ".dependency-cruiser.cjs", "module.exports = {};\n"],
    ["stryker", "stryker.conf.json", "{}"],
  ])("%s: the project's %s", (tool, file, content) => {
    expect(status(tool, { [file]: content })).toEqual({ tool, config: "project", found: [{ file }] } as never);
  });

  test.each([
    ["ruff", "tool.ruff", "[tool.ruff]\nline-length = 100\n"],
    ["basedpyright", "tool.basedpyright", '[tool.basedpyright]\ntypeCheckingMode = "strict"\n'],
    ["basedpyright", "tool.pyright", '[tool.pyright]\ntypeCheckingMode = "basic"\n'],
    ["pytest", "tool.pytest.ini_options", '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'],
    ["coverage", "tool.coverage", "[tool.coverage.run]\nbranch = true\n"],
    ["mutmut", "tool.mutmut", '[tool.mutmut]\npaths_to_mutate = ["src"]\n'],
    ["import-linter", "tool.importlinter", '[tool.importlinter]\nroot_package = "demo"\n'],
    ["deptry", "tool.deptry", "[tool.deptry]\nknown_first_party = []\n"],
  ])("%s: [%s] in pyproject.toml", (tool, table, content) => {
    expect(status(tool, { "pyproject.toml": `[project]\nname = "demo"\n\n${content}` })).toEqual({
      tool,
      config: "project",
      found: [{ file: "pyproject.toml", section: `[${table}]` }],
    } as never);
  });

  test("knip and eslint: their keys in package.json", () => {
    const files = {
      "package.json": JSON.stringify({ name: "demo", knip: { entry: ["src/main.ts"] }, eslintConfig: {} }),
    };
    expect(status("knip", files).found).toEqual([{ file: "package.json", section: '"knip"' }]);
    expect(status("eslint", files).found).toEqual([{ file: "package.json", section: '"eslintConfig"' }]);
  });

  test("pytest and mutmut: their INI sections in setup.cfg and tox.ini, and only those sections", () => {
    const setupCfg = "[metadata]\nname = demo\n\n[tool:pytest]\naddopts = -q\n\n[mutmut]\npaths_to_mutate = src/\n";
    expect(status("pytest", { "setup.cfg": setupCfg }).found).toEqual([
      { file: "setup.cfg", section: "[tool:pytest]" },
    ]);
    expect(status("mutmut", { "setup.cfg": setupCfg }).found).toEqual([{ file: "setup.cfg", section: "[mutmut]" }]);
    expect(status("pytest", { "tox.ini": "[tox]\nenvlist = py312\n\n[pytest]\naddopts = -q\n" }).config).toBe(
      "project",
    );
    expect(status("pytest", { "setup.cfg": "[metadata]\nname = demo\n", "tox.ini": "[tox]\n" }).config).toBe(
      "tool-defaults",
    );
  });

  test("every place the project configures a tool is listed, the one the tool reads first first", () => {
    expect(status("ruff", { "ruff.toml": "", "pyproject.toml": "[tool.ruff]\n" }).found).toEqual([
      { file: "ruff.toml" },
      { file: "pyproject.toml", section: "[tool.ruff]" },
    ]);
  });

  test("without project config: tollgate's bundled default where it ships one, the tool's own defaults otherwise", () => {
    const pyproject = { "pyproject.toml": '[project]\nname = "demo"\n[tool.tollgate]\npreset = "strict"\n' };
    expect(status("ruff", pyproject)).toEqual({ tool: "ruff", config: "tool-defaults", found: [] });
    expect(status("basedpyright", pyproject).config).toBe("tool-defaults");
    expect(status("coverage", pyproject).config).toBe("bundled");
    expect(status("mutmut", pyproject).config).toBe("tool-defaults");
    expect(status("pytest", pyproject).config).toBe("tool-defaults");
    expect(status("deptry", pyproject).config).toBe("tool-defaults");
    const packageJson = { "package.json": '{"name":"demo","devDependencies":{"knip":"5.0.0"}}' };
    expect(status("biome", packageJson).config).toBe("tool-defaults");
    expect(status("dependency-cruiser", packageJson).config).toBe("bundled");
    expect(status("stryker", packageJson).config).toBe("bundled");
    expect(status("knip", packageJson).config).toBe("tool-defaults");
    expect(status("tsc", packageJson).config).toBe("tool-defaults");
  });

  test("lizard reads no config file: tollgate always passes its thresholds", () => {
    expect(status("lizard", { "lizard.toml": "" })).toEqual({ tool: "lizard", config: "bundled", found: [] });
  });

  test("an unknown tool is a UserError listing the known tools", () => {
    let error: unknown;
    try {
      status("pylint", {});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).code).toBe("UNKNOWN_TOOL");
    expect((error as UserError).message).toBe(
      `unknown tool "pylint"; known tools: ${Object.keys(TOOL_CONFIGS).join(", ")}`,
    );
  });
});
