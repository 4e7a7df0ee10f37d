import { isTollgateError } from "../core/index.ts";
import { parseStrictJson } from "../sandbox/index.ts";
import { parseTomlText } from "./config-sources.ts";
import { diskFs, type FsView, joinRel } from "./detect-fs.ts";

/** A detected value and where it came from (a file, a table, a key, or "default: ..."). */
export interface Sourced<T> {
  value: T;
  source: string;
}

type PythonTestRunner = "pytest" | "unittest";
type JsTestRunner = "bun" | "vitest" | "jest" | "node";
/** How Python tools run: `uv run`, from a virtualenv's bin folder, or from PATH. */
type PythonInvoker = "uv" | "venv" | "path";
export type PackageManager = "npm" | "pnpm" | "yarn" | "bun";
type Linter = "biome" | "eslint" | "oxlint";

interface ProjectBase {
  /** The project's folder relative to the detection root; "." is the root itself. */
  dir: string;
  /** The file that made this a project. */
  marker: Sourced<string>;
  sourceDirs: Sourced<string>[];
  testDirs: Sourced<string>[];
}

export interface PythonProject extends ProjectBase {
  toolchain: "python";
  testRunner: Sourced<PythonTestRunner>;
  invoker: Sourced<PythonInvoker>;
  /** The virtualenv's bin folder (relative to the root), where `uv run` and the venv find tools. */
  venvBin?: string;
}

export interface JsProject extends ProjectBase {
  toolchain: "js";
  language: Sourced<"typescript" | "javascript">;
  testRunner: Sourced<JsTestRunner>;
  packageManager: Sourced<PackageManager>;
  linter: Sourced<Linter>;
  /** Existing `node_modules/.bin` folders from the project up to the root, nearest first. */
  binDirs: string[];
}

export type Project = PythonProject | JsProject;

export interface Detection {
  /** The folder detection looked at (as given). */
  root: string;
  projects: Project[];
  /** Files detection could not parse (invalid TOML or JSON), in words a user can act on. */
  problems: string[];
}

/**
 * Where sub-projects are looked for: the root itself, every direct subfolder
 * (one level: `services-api/pyproject.toml`), and the children of these
 * monorepo folders (two levels: `packages/web/package.json`).
 */
const GROUP_FOLDERS = ["packages", "apps", "services", "libs", "projects"] as const;

const SKIPPED_FOLDERS = new Set(["node_modules", "dist", "build", "out", "coverage", "venv", "env", "site-packages"]);
const TEST_FOLDERS = ["tests", "test", "__tests__"];
const PYTHON_TEST_FILE = /^test_.*\.py$|_test\.py$/;
const JS_TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
/** How deep below a project the search for test files goes (node_modules and hidden folders excluded). */
const TEST_SEARCH_DEPTH = 3;

const LOCKFILES: readonly [string, PackageManager][] = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
  ["package-lock.json", "npm"],
];

export function detectProject(root: string, fs: FsView = diskFs(root)): Detection {
  const problems: string[] = [];
  const projects: Project[] = [];
  for (const dir of candidateDirs(fs)) {
    const python = detectPython(fs, dir, problems);
    if (python) projects.push(python);
    const js = detectJs(fs, dir, problems);
    if (js) projects.push(js);
  }
  return { root, projects, problems };
}

function skipped(name: string): boolean {
  return name.startsWith(".") || SKIPPED_FOLDERS.has(name) || TEST_FOLDERS.includes(name);
}

function subfolders(fs: FsView, dir: string): string[] {
  return fs
    .list(dir)
    .filter((name) => !skipped(name))
    .map((name) => joinRel(dir, name))
    .filter((path) => fs.isDir(path));
}

function candidateDirs(fs: FsView): string[] {
  const dirs = [""];
  for (const sub of subfolders(fs, "")) {
    dirs.push(sub);
    if ((GROUP_FOLDERS as readonly string[]).includes(sub)) dirs.push(...subfolders(fs, sub));
  }
  return dirs;
}

/** `dir` and its parents up to the root, nearest first. */
function upwards(dir: string): string[] {
  const dirs = [dir];
  let current = dir;
  while (current !== "") {
    current = current.includes("/") ? current.slice(0, current.lastIndexOf("/")) : "";
    dirs.push(current);
  }
  return dirs;
}

/** The nearest of `names` in `dir` or a parent, as a root-relative path. */
function nearestFile(fs: FsView, dir: string, names: readonly string[]): string | undefined {
  for (const folder of upwards(dir)) {
    const found = names.map((name) => joinRel(folder, name)).find((path) => fs.isFile(path));
    if (found) return found;
  }
  return undefined;
}

function dirsNamed(fs: FsView, dir: string, names: readonly string[]): Sourced<string>[] {
  return names
    .map((name) => joinRel(dir, name))
    .filter((path) => fs.isDir(path))
    .map((path) => ({ value: path, source: `${path}/` }));
}

/**
 * Folders holding test files outside the project's conventional test folders
 * (each sourced by its first test file), and test folders nested in others.
 * The walk never enters a test folder: `tests/` itself stands for everything in it.
 */
function testFileDirs(fs: FsView, dir: string, pattern: RegExp): Sourced<string>[] {
  const found: Sourced<string>[] = [];
  const walk = (folder: string, depth: number) => {
    const testFile = fs.list(folder).find((name) => pattern.test(name) && fs.isFile(joinRel(folder, name)));
    if (testFile) found.push({ value: displayDir(folder), source: joinRel(folder, testFile) });
    // Test folders inside other folders (src/__tests__); the project's own are added by testDirs.
    if (depth > 0) found.push(...dirsNamed(fs, folder, TEST_FOLDERS));
    if (depth >= TEST_SEARCH_DEPTH) return;
    // A nested project's tests are its own, not this project's.
    for (const sub of subfolders(fs, folder)) if (!isProjectDir(fs, sub)) walk(sub, depth + 1);
  };
  walk(dir, 0);
  return found;
}

function testDirs(fs: FsView, dir: string, pattern: RegExp): Sourced<string>[] {
  return [...dirsNamed(fs, dir, TEST_FOLDERS), ...testFileDirs(fs, dir, pattern)];
}

function isProjectDir(fs: FsView, dir: string): boolean {
  return ["package.json", "pyproject.toml", "setup.py", "setup.cfg"].some((name) => fs.isFile(joinRel(dir, name)));
}

function displayDir(dir: string): string {
  return dir === "" ? "." : dir;
}

// --- Python ---

type Table = Record<string, unknown>;

const table = (value: unknown): Table =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Table) : {};

/** A parsed document, or an empty one and a problem when the file does not parse. */
function parsed(text: string, path: string, parse: (text: string, path: string) => unknown, problems: string[]): Table {
  try {
    return table(parse(text, path));
  } catch (error) {
    if (!isTollgateError(error)) throw error;
    problems.push(`${error.message}: detection ignores this file until it parses`);
    return {};
  }
}

/** `[project] name`, as an importable folder name. */
function pythonPackageName(pyproject: Table): string | undefined {
  const name = table(pyproject.project).name;
  return typeof name === "string" ? name.toLowerCase().replace(/[-.]/g, "_") : undefined;
}

/** Every dependency list of a pyproject.toml, named as a user finds it in the file. */
function dependencyLists(pyproject: Table): [string, unknown][] {
  const project = table(pyproject.project);
  const tool = table(pyproject.tool);
  const poetry = table(tool.poetry);
  const named = (prefix: string, lists: Table) =>
    Object.entries(lists).map(([name, list]): [string, unknown] => [`${prefix} ${name}`, list]);
  return [
    ["[project] dependencies", project.dependencies],
    ...named("[project.optional-dependencies]", table(project["optional-dependencies"])),
    ...named("[dependency-groups]", table(pyproject["dependency-groups"])),
    ["[tool.uv] dev-dependencies", table(tool.uv)["dev-dependencies"]],
    ["[tool.poetry.dependencies]", Object.keys(table(poetry.dependencies))],
    ...Object.entries(table(poetry.group)).map(([name, group]): [string, unknown] => [
      `[tool.poetry.group.${name}.dependencies]`,
      Object.keys(table(table(group).dependencies)),
    ]),
  ];
}

/** The list that declares pytest itself (a plugin such as pytest-cov does not count). */
function pytestDependency(pyproject: Table): string | undefined {
  const isPytest = (entry: unknown) =>
    typeof entry === "string" && /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry)?.[1]?.toLowerCase() === "pytest";
  return dependencyLists(pyproject).find(([, list]) => Array.isArray(list) && list.some(isPytest))?.[0];
}

function pytestConfig(fs: FsView, dir: string, pyproject: Table): string | undefined {
  const at = (name: string) => joinRel(dir, name);
  if ("ini_options" in table(table(pyproject.tool).pytest)) {
    return `${at("pyproject.toml")} [tool.pytest.ini_options]`;
  }
  if (fs.isFile(at("pytest.ini"))) return at("pytest.ini");
  if (/^\s*\[tool:pytest\]/m.test(fs.readText(at("setup.cfg")) ?? "")) return `${at("setup.cfg")} [tool:pytest]`;
  if (/^\s*\[pytest\]/m.test(fs.readText(at("tox.ini")) ?? "")) return `${at("tox.ini")} [pytest]`;
  const conftest = [at("conftest.py"), at("tests/conftest.py")].find((path) => fs.isFile(path));
  if (conftest) return conftest;
  const list = pytestDependency(pyproject);
  return list ? `${at("pyproject.toml")} ${list}` : undefined;
}

function detectPython(fs: FsView, dir: string, problems: string[]): PythonProject | undefined {
  const marker = pythonMarker(fs, dir);
  if (!marker) return undefined;
  const path = joinRel(dir, "pyproject.toml");
  const text = fs.readText(path);
  const pyproject = text === undefined ? {} : parsed(text, path, parseTomlText, problems);
  const sourceDirs = dirsNamed(fs, dir, ["src"]);
  const name = pythonPackageName(pyproject);
  if (name && fs.isDir(joinRel(dir, name))) {
    sourceDirs.push({ value: joinRel(dir, name), source: `${joinRel(dir, "pyproject.toml")} [project] name` });
  }
  sourceDirs.push(...dirsNamed(fs, dir, ["lib"]));
  if (sourceDirs.length === 0) {
    for (const sub of subfolders(fs, dir)) {
      const init = joinRel(sub, "__init__.py");
      if (fs.isFile(init)) sourceDirs.push({ value: sub, source: init });
    }
  }
  const pytest = pytestConfig(fs, dir, pyproject);
  const venvBin = nearestVenvBin(fs, dir);
  const uvLock = nearestFile(fs, dir, ["uv.lock"]);
  const invoker: Sourced<PythonInvoker> = uvLock
    ? { value: "uv", source: uvLock }
    : venvBin
      ? { value: "venv", source: `${venvBin}/python` }
      : { value: "path", source: "default: no uv.lock and no .venv, tools from PATH" };
  return {
    toolchain: "python",
    dir: displayDir(dir),
    marker,
    sourceDirs,
    testDirs: testDirs(fs, dir, PYTHON_TEST_FILE),
    testRunner: pytest
      ? { value: "pytest", source: pytest }
      : { value: "unittest", source: "default: no pytest configuration or dependency" },
    invoker,
    ...(venvBin ? { venvBin } : {}),
  };
}

function pythonMarker(fs: FsView, dir: string): Sourced<string> | undefined {
  const pyproject = joinRel(dir, "pyproject.toml");
  if (fs.isFile(pyproject)) return { value: pyproject, source: pyproject };
  const weaker = ["setup.py", "setup.cfg"].map((name) => joinRel(dir, name)).find((path) => fs.isFile(path));
  return weaker ? { value: weaker, source: `${weaker} (weaker signal: no pyproject.toml)` } : undefined;
}

function nearestVenvBin(fs: FsView, dir: string): string | undefined {
  for (const folder of upwards(dir)) {
    for (const name of [".venv", "venv"]) {
      const bin = joinRel(joinRel(folder, name), "bin");
      if (fs.isFile(`${bin}/python`)) return bin;
    }
  }
  return undefined;
}

// --- JavaScript and TypeScript ---

interface PackageJson {
  path: string;
  scripts: Record<string, unknown>;
  dependencies: Record<string, unknown>;
  devDependencies: Record<string, unknown>;
  packageManager?: unknown;
}

function readPackageJson(fs: FsView, path: string, problems: string[]): PackageJson | undefined {
  const text = fs.readText(path);
  if (text === undefined) return undefined;
  const json = parsed(text, path, parseStrictJson, problems);
  return {
    path,
    scripts: table(json.scripts),
    dependencies: table(json.dependencies),
    devDependencies: table(json.devDependencies),
    packageManager: json.packageManager,
  };
}

/** Where a package is declared, in the project's package.json or (a monorepo) the root's. */
function dependencySource(packages: PackageJson[], name: string): string | undefined {
  for (const pkg of packages) {
    for (const field of ["devDependencies", "dependencies"] as const) {
      if (name in pkg[field]) return `${pkg.path} ${field}.${name}`;
    }
  }
  return undefined;
}

const TEST_SCRIPT_RUNNERS: readonly [RegExp, JsTestRunner][] = [
  [/\bvitest\b/, "vitest"],
  [/\bjest\b/, "jest"],
  [/\bbun\s+test\b/, "bun"],
  [/\bnode\b.*\s--test\b/, "node"],
];

function jsTestRunner(
  pkg: PackageJson,
  packages: PackageJson[],
  manager: Sourced<PackageManager>,
): Sourced<JsTestRunner> {
  const script = pkg.scripts.test;
  if (typeof script === "string") {
    const runner = TEST_SCRIPT_RUNNERS.find(([pattern]) => pattern.test(script));
    if (runner) return { value: runner[1], source: `${pkg.path} scripts.test` };
  }
  for (const runner of ["vitest", "jest"] as const) {
    const source = dependencySource(packages, runner);
    if (source) return { value: runner, source };
  }
  if (manager.value === "bun") return { value: "bun", source: `${manager.source} (a bun project)` };
  return { value: "node", source: "default: no test runner in scripts.test or the dependencies" };
}

function packageManager(fs: FsView, dir: string, packages: PackageJson[]): Sourced<PackageManager> {
  const lockfile = nearestFile(
    fs,
    dir,
    LOCKFILES.map(([name]) => name),
  );
  const fromLock = LOCKFILES.find(([name]) => lockfile?.split("/").at(-1) === name);
  if (lockfile && fromLock) return { value: fromLock[1], source: lockfile };
  for (const pkg of packages) {
    const field = typeof pkg.packageManager === "string" ? pkg.packageManager.split("@")[0] : undefined;
    const manager = LOCKFILES.find(([, name]) => name === field)?.[1];
    if (manager) return { value: manager, source: `${pkg.path} packageManager` };
  }
  return { value: "npm", source: "default: no lockfile and no packageManager field" };
}

const LINTER_CONFIGS: readonly [Linter, string, readonly string[]][] = [
  ["biome", "@biomejs/biome", ["biome.json", "biome.jsonc"]],
  [
    "eslint",
    "eslint",
    [
      "eslint.config.js",
      "eslint.config.mjs",
      "eslint.config.cjs",
      "eslint.config.ts",
      ".eslintrc.json",
      ".eslintrc.js",
      ".eslintrc.cjs",
      ".eslintrc.yml",
      ".eslintrc.yaml",
      ".eslintrc",
    ],
  ],
  ["oxlint", "oxlint", [".oxlintrc.json"]],
];

function linter(fs: FsView, dir: string, packages: PackageJson[]): Sourced<Linter> {
  for (const [value, dependency, configs] of LINTER_CONFIGS) {
    const source = dependencySource(packages, dependency) ?? nearestFile(fs, dir, configs);
    if (source) return { value, source };
  }
  return { value: "biome", source: "default: no biome, eslint or oxlint dependency or config" };
}

function detectJs(fs: FsView, dir: string, problems: string[]): JsProject | undefined {
  const path = joinRel(dir, "package.json");
  const pkg = readPackageJson(fs, path, problems);
  if (!pkg) return undefined;
  const rootPkg = dir === "" ? undefined : readPackageJson(fs, "package.json", []);
  const packages = rootPkg ? [pkg, rootPkg] : [pkg];
  const tsconfig = joinRel(dir, "tsconfig.json");
  const typescript = fs.isFile(tsconfig) ? tsconfig : dependencySource(packages, "typescript");
  const manager = packageManager(fs, dir, packages);
  return {
    toolchain: "js",
    dir: displayDir(dir),
    marker: { value: path, source: path },
    language: typescript
      ? { value: "typescript", source: typescript }
      : { value: "javascript", source: `default: ${path} without tsconfig.json or a typescript dependency` },
    sourceDirs: dirsNamed(fs, dir, ["src", "lib"]),
    testDirs: testDirs(fs, dir, JS_TEST_FILE),
    testRunner: jsTestRunner(pkg, packages, manager),
    packageManager: manager,
    linter: linter(fs, dir, packages),
    binDirs: upwards(dir)
      .map((folder) => joinRel(folder, "node_modules/.bin"))
      .filter((bin) => fs.isDir(bin)),
  };
}
