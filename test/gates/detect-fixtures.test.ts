import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { detectProject, type JsProject, type PythonProject } from "../../src/gates/index.ts";
import { PROJECT_ROOT } from "../helpers.ts";

const PROJECTS = join(PROJECT_ROOT, "test/fixtures/gates/projects");

describe("detection on real folders", () => {
  test("python-pkg: src layout, pytest from pyproject.toml, tools from PATH", () => {
    const detection = detectProject(join(PROJECTS, "python-pkg"));
    expect(detection.problems).toEqual([]);
    const [project] = detection.projects as [PythonProject];
    expect(detection.projects).toHaveLength(1);
    expect(project).toEqual({
      toolchain: "python",
      dir: ".",
      marker: { value: "pyproject.toml", source: "pyproject.toml" },
      sourceDirs: [{ value: "src", source: "src/" }],
      testDirs: [{ value: "tests", source: "tests/" }],
      testRunner: { value: "pytest", source: "pyproject.toml [tool.pytest.ini_options]" },
      invoker: { value: "path", source: "default: no uv.lock and no .venv, tools from PATH" },
    });
  });

  test("ts-pkg: TypeScript, bun test from scripts.test, biome from devDependencies, npm by default", () => {
    const [project] = detectProject(join(PROJECTS, "ts-pkg")).projects as [JsProject];
    expect(project).toEqual({
      toolchain: "js",
      dir: ".",
      marker: { value: "package.json", source: "package.json" },
      language: { value: "typescript", source: "tsconfig.json" },
      sourceDirs: [{ value: "src", source: "src/" }],
      testDirs: [{ value: "test", source: "test/" }],
      testRunner: { value: "bun", source: "package.json scripts.test" },
      packageManager: { value: "npm", source: "default: no lockfile and no packageManager field" },
      linter: { value: "biome", source: "package.json devDependencies.@biomejs/biome" },
      binDirs: [],
    });
  });

  test("polyglot: both toolchains at the root, pytest from [tool.pytest.ini_options], npm from package-lock.json", () => {
    const detection = detectProject(join(PROJECTS, "polyglot"));
    const [python, js] = detection.projects as [PythonProject, JsProject];
    expect(detection.projects.map((project) => `${project.toolchain} ${project.dir}`)).toEqual(["python .", "js ."]);
    expect(python.testRunner).toEqual({ value: "pytest", source: "pyproject.toml [tool.pytest.ini_options]" });
    expect(python.sourceDirs).toEqual([{ value: "src", source: "src/" }]);
    expect(js.testRunner).toEqual({ value: "node", source: "package.json scripts.test" });
    expect(js.packageManager).toEqual({ value: "npm", source: "package-lock.json" });
    expect(js.language).toEqual({ value: "typescript", source: "tsconfig.json" });
  });

  test("a folder that does not exist is an empty detection, not an error", () => {
    expect(detectProject(join(PROJECTS, "no-such-project")).projects).toEqual([]);
  });
});
