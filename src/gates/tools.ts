import type { GateName } from "./config-schema.ts";
import type { JsProject, PackageManager, Project, PythonProject } from "./detect.ts";

/** The gates a tool serves: CRAP is computed from two of them, acceptance gates are the project's own commands. */
export type Gate = Exclude<GateName, "crap" | "acceptance">;

/** The gates `tollgate ci` cannot run without: a missing tool for one of these fails the doctor. */
export const CI_GATES: ReadonlySet<Gate> = new Set<Gate>(["lint", "typecheck", "test"]);

/**
 * One tool tollgate can run. `ecosystem` says where it is looked for and how
 * it is installed: Python tools in the project's virtualenv, npm tools in
 * `node_modules/.bin`, both then on PATH. Tools are never downloaded.
 */
export interface ToolSpec {
  name: string;
  bin: string;
  /** What to install, when it differs from `bin`. */
  package?: string;
  ecosystem: "python" | "npm";
  versionArgs: readonly string[];
  /** The gates this tool serves for the project; empty when the project does not use it. */
  gates(project: Project): Gate[];
  /** A fixed install instruction, for runtimes that no project dependency provides. */
  install?: string;
  /** The Python module that runs the tool (`python -m pytest`), when the venv has no script for it. */
  module?: string;
}

const python = (project: Project): project is PythonProject => project.toolchain === "python";
const js = (project: Project): project is JsProject => project.toolchain === "js";
const when = (condition: boolean, gates: Gate[]): Gate[] => (condition ? gates : []);
const VERSION = ["--version"] as const;

/** A Python tool that every Python project uses for `gates`. */
/** `module: null`: the tool cannot run as `python -m`. */
const pythonTool = (name: string, gates: Gate[], bin = name, module: string | null = name): ToolSpec => ({
  name,
  bin,
  ...(module === null ? {} : { module }),
  ...(bin === name ? {} : { package: name }),
  ecosystem: "python",
  versionArgs: VERSION,
  gates: (project) => when(python(project), gates),
});

/** An npm tool used by JS projects for which `uses` holds. */
const npmTool = (
  name: string,
  gates: Gate[],
  uses: (project: JsProject) => boolean,
  extra: Partial<ToolSpec> = {},
): ToolSpec => ({
  name,
  bin: name,
  ecosystem: "npm",
  versionArgs: VERSION,
  gates: (project) => when(js(project) && uses(project), gates),
  ...extra,
});

const jsRunner = (runner: JsProject["testRunner"]["value"]) => (project: JsProject) =>
  project.testRunner.value === runner;
const jsManager = (manager: PackageManager) => (project: JsProject) => project.packageManager.value === manager;

export const TOOLS: readonly ToolSpec[] = [
  pythonTool("ruff", ["fix", "format", "lint"]),
  pythonTool("basedpyright", ["typecheck"]),
  {
    ...pythonTool("pytest", ["test"]),
    gates: (project) => when(python(project) && project.testRunner.value === "pytest", ["test"]),
  },
  {
    name: "python (unittest)",
    bin: "python3",
    ecosystem: "python",
    versionArgs: VERSION,
    gates: (project) => when(python(project) && project.testRunner.value === "unittest", ["test"]),
    install: "install Python 3 (apt-get install python3, brew install python, python.org)",
  },
  pythonTool("coverage", ["coverage"]),
  {
    // lizard measures complexity for both toolchains; it is a Python tool either way.
    ...pythonTool("lizard", ["complexity"]),
    gates: () => ["complexity"],
  },
  pythonTool("mutmut", ["mutation"]),
  pythonTool("deptry", ["deps"]),
  pythonTool("import-linter", ["arch"], "lint-imports", null),
  pythonTool("pip-audit", ["audit"], "pip-audit", "pip_audit"),
  npmTool("biome", ["fix", "format", "lint"], (project) => project.linter.value === "biome", {
    package: "@biomejs/biome",
  }),
  npmTool("eslint", ["fix", "lint"], (project) => project.linter.value === "eslint"),
  npmTool("oxlint", ["fix", "lint"], (project) => project.linter.value === "oxlint"),
  npmTool("tsc", ["typecheck"], (project) => project.language.value === "typescript", { package: "typescript" }),
  {
    ...npmTool("bun", [], () => true),
    gates: (project) =>
      js(project)
        ? [...when(jsRunner("bun")(project), ["test", "coverage"]), ...when(jsManager("bun")(project), ["audit"])]
        : [],
  },
  npmTool("vitest", ["test", "coverage"], jsRunner("vitest")),
  npmTool("jest", ["test", "coverage"], jsRunner("jest")),
  npmTool("node", ["test", "coverage"], jsRunner("node"), {
    install: "install Node.js 20 or later (nodejs.org, or your system's package manager)",
  }),
  npmTool("stryker", ["mutation"], () => true, { package: "@stryker-mutator/core" }),
  npmTool("knip", ["deps"], () => true),
  npmTool("dependency-cruiser", ["arch"], () => true, { bin: "depcruise", package: "dependency-cruiser" }),
  npmTool("npm", ["audit"], jsManager("npm"), { install: "install Node.js (npm comes with it)" }),
  npmTool("pnpm", ["audit"], jsManager("pnpm"), { install: "corepack enable pnpm" }),
  npmTool("yarn", ["audit"], jsManager("yarn"), { install: "corepack enable yarn" }),
];

const ADD_DEV: Record<PackageManager, string> = {
  npm: "npm install --save-dev",
  pnpm: "pnpm add -D",
  yarn: "yarn add -D",
  bun: "bun add -d",
};

/**
 * The command that would install `tool` for `project`, matching how the
 * project installs things: `uv add --dev`, the venv's pip, or its package manager.
 */
export function installCommand(tool: ToolSpec, project: Project): string {
  if (tool.install) return tool.install;
  const name = tool.package ?? tool.bin;
  const inProject = (command: string) => (project.dir === "." ? command : `cd ${project.dir} && ${command}`);
  if (tool.ecosystem === "npm") {
    return inProject(`${ADD_DEV[js(project) ? project.packageManager.value : "npm"]} ${name}`);
  }
  if (python(project) && project.invoker.value === "uv") return inProject(`uv add --dev ${name}`);
  if (python(project) && project.venvBin) return `${project.venvBin}/pip install ${name}`;
  return `pip install ${name}`;
}

/** Folders (relative to the detection root) searched before PATH, nearest first. */
export function localBinDirs(tool: ToolSpec, project: Project): string[] {
  if (tool.ecosystem === "npm") return js(project) ? project.binDirs : [];
  return python(project) && project.venvBin ? [project.venvBin] : [];
}

/** The version number in a tool's `--version` output ("ruff 0.6.9", "Version 6.0.2", "v10.15.0"). */
export function parseVersion(output: string): string | undefined {
  return /\d+\.\d+(?:\.\d+)?(?:[-+][0-9A-Za-z.-]+)?/.exec(output)?.[0];
}
