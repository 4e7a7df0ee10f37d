/**
 * `tollgate config` (every resolved gates setting with its source) and
 * `tollgate config show TOOL` (whether a tool runs on the project's own config
 * or on tollgate's bundled default). Tables go to stderr, `--json` to stdout.
 */
import { defineCommand, ExitCode, findProjectRoot, jsonArg, printJson, writeStderr } from "../core/index.ts";
import { loadConfig, type ResolvedValue } from "./config.ts";
import { configFlagArgs, flagOverrides } from "./config-flags.ts";
import { projectFiles } from "./config-sources.ts";
import { TOOL_CONFIGS, type ToolConfigStatus, toolConfigStatus } from "./tool-configs.ts";

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

/**
 * The stage and setup commands, loaded only when one of them runs: the
 * runner, the reports and the receipts behind them would otherwise load with
 * `tollgate config` too.
 */
export const stageCommands = () => import("./stage-commands.ts");
export const setupCommands = () => import("./setup-command.ts");
