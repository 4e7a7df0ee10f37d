/**
 * `tollgate config` (every resolved gates setting with its source) and
 * `tollgate config show TOOL` (whether a tool runs on the project's own config
 * or on tollgate's bundled default). Tables go to stderr, `--json` to stdout.
 */
import { type ArgsDef, defineCommand } from "citty";
import { ExitCode, findProjectRoot, jsonArg, printJson, writeStderr } from "../core/index.ts";
import { type FlagOverride, loadConfig, type ResolvedValue } from "./config.ts";
import { projectFiles } from "./config-sources.ts";
import { TOOL_CONFIGS, type ToolConfigStatus, toolConfigStatus } from "./tool-configs.ts";

/** The config flags every gates command accepts; each overrides one key of the project's config. */
export const configFlagArgs = {
  preset: { type: "string", description: "Threshold preset: baseline, strict or legacy (preset)" },
  "coverage-min": { type: "string", description: "Minimum line coverage, percent (coverage.line_min)" },
  skip: { type: "string", description: "Gates not to run, comma-separated (skip)" },
  only: { type: "string", description: "Run only these gates, comma-separated (only)" },
  sandbox: { type: "boolean", description: "Run tools through the sandbox executor (sandbox)" },
} as const satisfies ArgsDef;

export interface ConfigFlags {
  preset?: string;
  "coverage-min"?: string;
  skip?: string;
  only?: string;
  sandbox?: boolean;
}

/** Flag strings become config values; a value of the wrong kind is left as it is, for the schema to name. */
export function flagOverrides(flags: ConfigFlags): FlagOverride[] {
  const list = (value: string) => value.split(",").map((item) => item.trim());
  const number = (value: string) => (/^\d+(?:\.\d+)?$/.test(value) ? Number(value) : value);
  const overrides: FlagOverride[] = [];
  if (flags.preset !== undefined) overrides.push({ flag: "--preset", values: { preset: flags.preset } });
  if (flags["coverage-min"] !== undefined) {
    overrides.push({ flag: "--coverage-min", values: { coverage: { line_min: number(flags["coverage-min"]) } } });
  }
  if (flags.skip !== undefined) overrides.push({ flag: "--skip", values: { skip: list(flags.skip) } });
  if (flags.only !== undefined) overrides.push({ flag: "--only", values: { only: list(flags.only) } });
  if (flags.sandbox !== undefined) overrides.push({ flag: "--sandbox", values: { sandbox: flags.sandbox } });
  return overrides;
}

function formatValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function table(values: readonly ResolvedValue[]): string {
  const rows = values.map((item) => [item.key, formatValue(item.value), item.source] as const);
  const keyWidth = Math.max(...rows.map(([key]) => key.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  return rows
    .map(([key, value, source]) => `  ${key.padEnd(keyWidth)}  ${value.padEnd(valueWidth)}  ${source}`)
    .join("\n");
}

function describeTool(status: ToolConfigStatus): string {
  const [first, ...others] = status.found;
  const place = (item: { file: string; section?: string }) => `${item.file}${item.section ? ` ${item.section}` : ""}`;
  if (first !== undefined) {
    const also = others.length === 0 ? "" : `\n  also present, not read first: ${others.map(place).join(", ")}`;
    return `${status.tool}: runs on the project's config in ${place(first)}${also}\n`;
  }
  return status.config === "bundled"
    ? `${status.tool}: no project config; tollgate passes its bundled default settings\n`
    : `${status.tool}: no project config; ${status.tool} runs on its built-in defaults (tollgate bundles none)\n`;
}

const show = defineCommand({
  meta: {
    name: "show",
    description: "Show whether a tool runs on the project's own config or on tollgate's bundled default",
  },
  args: {
    tool: { type: "positional", description: `One of: ${Object.keys(TOOL_CONFIGS).join(", ")}`, required: true },
    ...jsonArg,
  },
  run({ args }) {
    const root = findProjectRoot();
    const status = toolConfigStatus(args.tool, projectFiles(root));
    if (args.json) {
      const [first] = status.found;
      printJson({ root, ...status, file: first?.file ?? null, section: first?.section ?? null });
    } else writeStderr(describeTool(status));
    return ExitCode.ok;
  },
});

export const configCommand = defineCommand({
  meta: { name: "config", description: "Show every resolved gates setting with its source" },
  args: { ...configFlagArgs, ...jsonArg },
  subCommands: { show },
  run({ args }) {
    const root = findProjectRoot();
    const resolved = loadConfig(projectFiles(root), flagOverrides(args));
    if (args.json) {
      printJson({
        root,
        file: resolved.file ?? null,
        config: resolved.config,
        sources: Object.fromEntries(resolved.values.map((item) => [item.key, item.source])),
      });
    } else {
      const from = resolved.file === undefined ? "no config file" : `config from ${resolved.file}`;
      writeStderr(`tollgate config for ${root} (${from})\n${table(resolved.values)}\n`);
    }
    return ExitCode.ok;
  },
});
