import { describe, expect, test } from "bun:test";
import { type Detection, detectProject, type JsProject, memoryFs, type PythonProject } from "../../src/gates/index.ts";

function detect(files: Record<string, string>): Detection {
  return detectProject("/repo", memoryFs(files));
}

function only<T>(detection: Detection): T {
  expect(detection.projects).toHaveLength(1);
  return detection.projects[0] as T;
}

const pkg = (json: Record<string, unknown>) => JSON.stringify(json);

describe("Python projects", () => {
  test("a uv package with pytest configured: src layout, tests folder, uv run", () => {
    const project = only<PythonProject>(
      detect({
        "pyproject.toml": '[project]\nname = "acme-tools"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "uv.lock": "version = 1\n",
        "src/acme_tools/__init__.py": "",
        "tests/test_core.py": "",
        ".venv/bin/python": "",
      }),
    );
    expect(project).toEqual({
      toolchain: "python",
      dir: ".",
      marker: { value: "pyproject.toml", source: "pyproject.toml" },
      sourceDirs: [{ value: "src", source: "src/" }],
      testDirs: [{ value: "tests", source: "tests/" }],
      testRunner: { value: "pytest", source: "pyproject.toml [tool.pytest.ini_options]" },
      invoker: { value: "uv", source: "uv.lock" },
      venvBin: ".venv/bin",
    });
  });

  test("a venv package without pytest runs unittest from the venv; the package folder comes from [project] name", () => {
    const project = only<PythonProject>(
      detect({
        "pyproject.toml": '[project]\nname = "my.lib"\ndependencies = ["requests>=2"]\n',
        "my_lib/__init__.py": "",
        "my_lib/core_test.py": "",
        ".venv/bin/python": "",
      }),
    );
    expect(project.sourceDirs).toEqual([{ value: "my_lib", source: "pyproject.toml [project] name" }]);
    expect(project.testDirs).toEqual([{ value: "my_lib", source: "my_lib/core_test.py" }]);
    expect(project.testRunner).toEqual({ value: "unittest", source: "default: no pytest configuration or dependency" });
    expect(project.invoker).toEqual({ value: "venv", source: ".venv/bin/python" });
  });

  test("pytest as a dependency (not a plugin) selects pytest; tools from PATH without uv.lock or .venv", () => {
    const withDependency = only<PythonProject>(
      detect({ "pyproject.toml": '[dependency-groups]\ndev = ["pytest>=8", "ruff"]\n', "lib/x.py": "" }),
    );
    expect(withDependency.testRunner).toEqual({ value: "pytest", source: "pyproject.toml [dependency-groups] dev" });
    expect(withDependency.sourceDirs).toEqual([{ value: "lib", source: "lib/" }]);
    expect(withDependency.invoker).toEqual({
      value: "path",
      source: "default: no uv.lock and no .venv, tools from PATH",
    });
    const pluginOnly = only<PythonProject>(
      detect({ "pyproject.toml": '[project.optional-dependencies]\ntest = ["pytest-cov>=5", "pytest_mock"]\n' }),
    );
    expect(pluginOnly.testRunner.value).toBe("unittest");
  });

  test.each([
    ["[project]\ndependencies = [\"PyTest[testing] ; python_version > '3.9'\"]\n", "[project] dependencies"],
    ['[tool.uv]\ndev-dependencies = ["pytest==8.3.3"]\n', "[tool.uv] dev-dependencies"],
    ['[tool.poetry.group.dev.dependencies]\npytest = "^8"\n', "[tool.poetry.group.dev.dependencies]"],
    ['[tool.poetry.dependencies]\npytest = "^8"\n', "[tool.poetry.dependencies]"],
  ])("pytest declared in %p is found in %p", (pyproject, list) => {
    const project = only<PythonProject>(detect({ "pyproject.toml": pyproject }));
    expect(project.testRunner).toEqual({ value: "pytest", source: `pyproject.toml ${list}` });
  });

  test("setup.py alone is a weaker signal, and says so; setup.cfg [tool:pytest] configures pytest", () => {
    const project = only<PythonProject>(
      detect({ "setup.py": "", "setup.cfg": "[tool:pytest]\naddopts = -q\n", "pkg/__init__.py": "", "test/x.py": "" }),
    );
    expect(project.marker).toEqual({ value: "setup.py", source: "setup.py (weaker signal: no pyproject.toml)" });
    expect(project.testRunner).toEqual({ value: "pytest", source: "setup.cfg [tool:pytest]" });
    expect(project.sourceDirs).toEqual([{ value: "pkg", source: "pkg/__init__.py" }]);
    expect(project.testDirs).toEqual([{ value: "test", source: "test/" }]);
  });

  test("nested Python services, one level and two levels down, share the root's uv.lock and .venv", () => {
    const detection = detect({
      "uv.lock": "",
      ".venv/bin/python": "",
      "billing/pyproject.toml": "[project]\nname = 'billing'\n",
      "billing/conftest.py": "",
      "services/api/pyproject.toml": "[project]\nname = 'api'\n",
      "services/api/api/__init__.py": "",
      "services/api/tests/test_api.py": "",
      "node_modules/x/pyproject.toml": "",
      "tests/pyproject.toml": "",
    });
    expect(detection.projects.map((project) => project.dir)).toEqual(["billing", "services/api"]);
    const [billing, api] = detection.projects as [PythonProject, PythonProject];
    expect(billing.testRunner).toEqual({ value: "pytest", source: "billing/conftest.py" });
    expect(api.sourceDirs).toEqual([
      { value: "services/api/api", source: "services/api/pyproject.toml [project] name" },
    ]);
    expect(api.testDirs).toEqual([{ value: "services/api/tests", source: "services/api/tests/" }]);
    expect(api.invoker).toEqual({ value: "uv", source: "uv.lock" });
    expect(api.venvBin).toBe(".venv/bin");
  });
});

describe("JavaScript and TypeScript projects", () => {
  test("a TypeScript package with npm, vitest and biome", () => {
    const project = only<JsProject>(
      detect({
        "package.json": pkg({ scripts: { test: "vitest run" }, devDependencies: { "@biomejs/biome": "2.0.0" } }),
        "package-lock.json": "{}",
        "tsconfig.json": "{}",
        "src/index.ts": "",
        "src/index.test.ts": "",
        "node_modules/.bin/": "",
      }),
    );
    expect(project).toEqual({
      toolchain: "js",
      dir: ".",
      marker: { value: "package.json", source: "package.json" },
      language: { value: "typescript", source: "tsconfig.json" },
      sourceDirs: [{ value: "src", source: "src/" }],
      testDirs: [{ value: "src", source: "src/index.test.ts" }],
      testRunner: { value: "vitest", source: "package.json scripts.test" },
      packageManager: { value: "npm", source: "package-lock.json" },
      linter: { value: "biome", source: "package.json devDependencies.@biomejs/biome" },
      binDirs: ["node_modules/.bin"],
    });
  });

  test("a yarn JavaScript project with jest and eslint", () => {
    const project = only<JsProject>(
      detect({
        "package.json": pkg({ devDependencies: { jest: "29", eslint: "9" }, scripts: { test: "echo none" } }),
        "yarn.lock": "",
        "eslint.config.js": "",
        "lib/a.js": "",
        "lib/__tests__/b.test.js": "",
        "__tests__/a.test.js": "",
      }),
    );
    expect(project.language).toEqual({
      value: "javascript",
      source: "default: package.json without tsconfig.json or a typescript dependency",
    });
    expect(project.testRunner).toEqual({ value: "jest", source: "package.json devDependencies.jest" });
    expect(project.packageManager).toEqual({ value: "yarn", source: "yarn.lock" });
    expect(project.linter).toEqual({ value: "eslint", source: "package.json devDependencies.eslint" });
    expect(project.sourceDirs).toEqual([{ value: "lib", source: "lib/" }]);
    expect(project.testDirs).toEqual([
      { value: "__tests__", source: "__tests__/" },
      { value: "lib/__tests__", source: "lib/__tests__/" },
    ]);
    expect(project.binDirs).toEqual([]);
  });

  test("a bun project: bun test from the lockfile, TypeScript from the dependency, default linter said to be a default", () => {
    const project = only<JsProject>(
      detect({ "package.json": pkg({ devDependencies: { typescript: "5" } }), "bun.lock": "", "test/a.test.ts": "" }),
    );
    expect(project.packageManager).toEqual({ value: "bun", source: "bun.lock" });
    expect(project.testRunner).toEqual({ value: "bun", source: "bun.lock (a bun project)" });
    expect(project.language).toEqual({ value: "typescript", source: "package.json devDependencies.typescript" });
    expect(project.linter).toEqual({
      value: "biome",
      source: "default: no biome, eslint or oxlint dependency or config",
    });
    expect(project.testDirs).toEqual([{ value: "test", source: "test/" }]);
  });

  test("the packageManager field when there is no lockfile; node --test from scripts.test; oxlint from its config", () => {
    const project = only<JsProject>(
      detect({
        "package.json": pkg({ packageManager: "pnpm@9.1.0", scripts: { test: "node --test test/" } }),
        ".oxlintrc.json": "{}",
      }),
    );
    expect(project.packageManager).toEqual({ value: "pnpm", source: "package.json packageManager" });
    expect(project.testRunner).toEqual({ value: "node", source: "package.json scripts.test" });
    expect(project.linter).toEqual({ value: "oxlint", source: ".oxlintrc.json" });
  });

  test("no lockfile, field or runner: npm and node --test, each marked as a default", () => {
    const project = only<JsProject>(detect({ "package.json": "{}" }));
    expect(project.packageManager).toEqual({
      value: "npm",
      source: "default: no lockfile and no packageManager field",
    });
    expect(project.testRunner).toEqual({
      value: "node",
      source: "default: no test runner in scripts.test or the dependencies",
    });
  });

  test("a pnpm monorepo: packages/* each a project, lockfile, linter and node_modules/.bin from the root", () => {
    const detection = detect({
      "package.json": pkg({ private: true, devDependencies: { "@biomejs/biome": "2", vitest: "2" } }),
      "pnpm-lock.yaml": "",
      "pnpm-workspace.yaml": "packages:\n  - packages/*\n",
      "node_modules/.bin/": "",
      "packages/core/package.json": pkg({ name: "core" }),
      "packages/core/tsconfig.json": "{}",
      "packages/core/src/index.ts": "",
      "packages/core/node_modules/.bin/": "",
      "packages/web/package.json": pkg({ name: "web", scripts: { test: "jest" } }),
      "packages/web/src/app.spec.js": "",
    });
    expect(detection.projects.map((project) => project.dir)).toEqual([".", "packages/core", "packages/web"]);
    const [root, core, web] = detection.projects as [JsProject, JsProject, JsProject];
    expect(root.testDirs).toEqual([]);
    expect(core.language).toEqual({ value: "typescript", source: "packages/core/tsconfig.json" });
    expect(core.packageManager).toEqual({ value: "pnpm", source: "pnpm-lock.yaml" });
    expect(core.testRunner).toEqual({ value: "vitest", source: "package.json devDependencies.vitest" });
    expect(core.linter).toEqual({ value: "biome", source: "package.json devDependencies.@biomejs/biome" });
    expect(core.binDirs).toEqual(["packages/core/node_modules/.bin", "node_modules/.bin"]);
    expect(web.testRunner).toEqual({ value: "jest", source: "packages/web/package.json scripts.test" });
    expect(web.testDirs).toEqual([{ value: "packages/web/src", source: "packages/web/src/app.spec.js" }]);
    expect(web.sourceDirs).toEqual([{ value: "packages/web/src", source: "packages/web/src/" }]);
  });

  test("an invalid package.json or pyproject.toml is still a project, and detection names the file and the place", () => {
    const detection = detect({ "package.json": "{ nope", "pyproject.toml": "[project\nname = 1\n" });
    expect(detection.projects.map((project) => project.toolchain)).toEqual(["python", "js"]);
    expect(detection.problems).toEqual([
      "pyproject.toml: invalid TOML at line 1, column 9: illegal character in key: detection ignores this file until it parses",
      "package.json: invalid JSON at line 1, column 3: expected a string key: detection ignores this file until it parses",
    ]);
  });
});

describe("polyglot and empty repositories", () => {
  test("pyproject.toml and package.json at the root are two toolchains in one folder", () => {
    const detection = detect({
      "pyproject.toml": "[tool.pytest.ini_options]\n",
      "package.json": pkg({ devDependencies: { typescript: "5", "@biomejs/biome": "2" } }),
      "bun.lockb": "",
      "tests/test_a.py": "",
      "web/x.test.ts": "",
    });
    expect(detection.projects.map((project) => [project.toolchain, project.dir])).toEqual([
      ["python", "."],
      ["js", "."],
    ]);
    const [python, js] = detection.projects as [PythonProject, JsProject];
    expect(python.testDirs).toEqual([{ value: "tests", source: "tests/" }]);
    expect(js.testDirs).toEqual([
      { value: "tests", source: "tests/" },
      { value: "web", source: "web/x.test.ts" },
    ]);
    expect(js.packageManager).toEqual({ value: "bun", source: "bun.lockb" });
  });

  test("an empty folder has no projects and no problems", () => {
    expect(detect({})).toEqual({ root: "/repo", projects: [], problems: [] });
  });
});
