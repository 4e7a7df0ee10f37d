/**
 * Whether a tool runs on the project's own config or on what tollgate passes
 * it. tollgate never overrides a project's config: it only supplies settings
 * (its bundled default) to a tool the project has not configured.
 */
import { UserError } from "../core/index.ts";
import { lookup, type ProjectFiles } from "./config-sources.ts";

interface ToolConfigSpec {
  /** Config files at the project root, in the order the tool looks for them. */
  files?: readonly string[];
  /** Tables in pyproject.toml, e.g. "tool.ruff". */
  pyproject?: readonly string[];
  /** Key in package.json. */
  packageJson?: string;
  /** INI sections: [file, section]. */
  ini?: readonly (readonly [string, string])[];
  /** tollgate ships settings for the tool when the project has none; otherwise the tool's built-in defaults apply. */
  bundled: boolean;
}

const ESLINT_LEGACY = [
  ".eslintrc.js",
  ".eslintrc.cjs",
  ".eslintrc.yaml",
  ".eslintrc.yml",
  ".eslintrc.json",
  ".eslintrc",
];

export const TOOL_CONFIGS = {
  ruff: { files: ["ruff.toml", ".ruff.toml"], pyproject: ["tool.ruff"], bundled: false },
  basedpyright: { files: ["pyrightconfig.json"], pyproject: ["tool.basedpyright", "tool.pyright"], bundled: false },
  pytest: {
    files: ["pytest.ini"],
    pyproject: ["tool.pytest.ini_options"],
    ini: [
      ["tox.ini", "pytest"],
      ["setup.cfg", "tool:pytest"],
    ],
    bundled: false,
  },
  // Bundled: branch coverage, measured over the detected source folders.
  coverage: { files: [".coveragerc"], pyproject: ["tool.coverage"], bundled: true },
  mutmut: { pyproject: ["tool.mutmut"], ini: [["setup.cfg", "mutmut"]], bundled: false },
  "import-linter": { files: [".importlinter"], pyproject: ["tool.importlinter"], bundled: false },
  deptry: { pyproject: ["tool.deptry"], bundled: false },
  biome: { files: ["biome.json", "biome.jsonc"], bundled: false },
  eslint: {
    files: ["eslint.config.js", "eslint.config.mjs", "eslint.config.cjs", "eslint.config.ts", ...ESLINT_LEGACY],
    packageJson: "eslintConfig",
    bundled: false,
  },
  oxlint: { files: [".oxlintrc.json"], bundled: false },
  tsc: { files: ["tsconfig.json"], bundled: false },
  knip: {
    files: ["knip.json", "knip.jsonc", ".knip.json", ".knip.jsonc", "knip.config.ts", "knip.config.js"],
    packageJson: "knip",
    bundled: false,
  },
  // Bundled: no circular imports, no unresolvable imports.
  "dependency-cruiser": {
    files: [".dependency-cruiser.js", ".dependency-cruiser.cjs", ".dependency-cruiser.json"],
    bundled: true,
  },
  // Bundled: the command test runner on the project's test script, the source folders mutated, the JSON report.
  stryker: {
    files: [
      "stryker.config.json",
      "stryker.config.js",
      "stryker.config.mjs",
      "stryker.conf.json",
      "stryker.conf.js",
      "stryker.conf.mjs",
    ],
    bundled: true,
  },
  // lizard reads no config file: tollgate always passes complexity.ccn_max.
  lizard: { bundled: true },
} as const satisfies Record<string, ToolConfigSpec>;
type ConfiguredTool = keyof typeof TOOL_CONFIGS;

interface ToolConfigPlace {
  file: string;
  /** The table or section inside the file: `[tool.ruff]`, `"knip"`; absent for a whole file. */
  section?: string;
}

export interface ToolConfigStatus {
  tool: ConfiguredTool;
  /** project: the tool reads the project's config; bundled: tollgate passes its own settings; tool-defaults: neither. */
  config: "project" | "bundled" | "tool-defaults";
  /** Every place the project configures the tool; the tool reads the first. */
  found: ToolConfigPlace[];
}

function isConfiguredTool(name: string): name is ConfiguredTool {
  return Object.hasOwn(TOOL_CONFIGS, name);
}

export function toolConfigStatus(name: string, files: ProjectFiles): ToolConfigStatus {
  if (!isConfiguredTool(name)) {
    throw new UserError("UNKNOWN_TOOL", `unknown tool "${name}"; known tools: ${Object.keys(TOOL_CONFIGS).join(", ")}`);
  }
  const spec: ToolConfigSpec = TOOL_CONFIGS[name];
  const found = projectConfigPlaces(spec, files);
  const config = found.length > 0 ? "project" : spec.bundled ? "bundled" : "tool-defaults";
  return { tool: name, config, found };
}

function projectConfigPlaces(spec: ToolConfigSpec, files: ProjectFiles): ToolConfigPlace[] {
  const places: ToolConfigPlace[] = (spec.files ?? []).filter((file) => files.exists(file)).map((file) => ({ file }));
  for (const table of spec.pyproject ?? []) {
    if (lookup(files.toml("pyproject.toml"), table.split(".")) !== undefined) {
      places.push({ file: "pyproject.toml", section: `[${table}]` });
    }
  }
  if (spec.packageJson !== undefined && lookup(files.json("package.json"), [spec.packageJson]) !== undefined) {
    places.push({ file: "package.json", section: `"${spec.packageJson}"` });
  }
  for (const [file, section] of spec.ini ?? []) {
    if (hasIniSection(files.text(file), section)) places.push({ file, section: `[${section}]` });
  }
  return places;
}

function hasIniSection(text: string | undefined, section: string): boolean {
  return text?.split(/\r?\n/).some((line) => line.trim() === `[${section}]`) ?? false;
}
