import type { ArgsDef, CommandDef } from "citty";
import { UserError } from "./errors.ts";

/** Arg sets shared by many commands. */
export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON document to stdout" },
} as const satisfies ArgsDef;

type AnyCommand = CommandDef<ArgsDef>;

async function resolve<T>(value: T | (() => T | Promise<T>) | Promise<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

export interface ResolvedCommand {
  /** Command names from the root, e.g. ["crash", "list"]; never argument values. */
  path: string[];
  command: AnyCommand;
  parent: AnyCommand | undefined;
  /** The raw arguments that belong to `command`. */
  rest: string[];
}

/**
 * Walks the argv down the (lazy) command tree to the command it names. Only
 * the modules on that path are loaded.
 */
export async function resolveCommand(root: AnyCommand, argv: string[]): Promise<ResolvedCommand> {
  const path: string[] = [];
  let command = root;
  let parent: AnyCommand | undefined;
  let rest = argv;
  for (;;) {
    const subCommands = await resolve(command.subCommands);
    if (!subCommands || Object.keys(subCommands).length === 0) break;
    const args = (await resolve(command.args)) ?? {};
    const index = firstPositional(rest, args);
    const name = index === -1 ? undefined : rest[index];
    if (name === undefined || !Object.hasOwn(subCommands, name)) {
      const takesPositionals = Object.values(args).some((def) => def.type === "positional");
      if (name !== undefined && !takesPositionals) {
        const where = ["tollgate", ...path].join(" ");
        throw new UserError(
          "UNKNOWN_COMMAND",
          `unknown command "${name}" for "${where}"; run "${where} --help" to list the commands`,
        );
      }
      break;
    }
    const next = await resolve(subCommands[name] as AnyCommand);
    if (!next) break;
    path.push(name);
    parent = command;
    command = next;
    rest = [...rest.slice(0, index), ...rest.slice(index + 1)];
  }
  return { path, command, parent, rest };
}

function firstPositional(argv: string[], args: ArgsDef): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return -1;
    if (arg.startsWith("-")) {
      if (takesNextValue(arg, args)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** `--name VALUE` of a string or enum option: the next argument is its value, even one that starts with "-". */
function takesNextValue(arg: string, args: ArgsDef): boolean {
  const def = args[flagName(arg)];
  return !arg.includes("=") && def !== undefined && (def.type === "string" || def.type === "enum");
}

function flagName(arg: string): string {
  return arg.replace(/^-{1,2}/, "").split("=")[0] as string;
}

/**
 * citty accepts any flag; a serious CLI refuses a typo rather than ignoring
 * it. Throws a UserError naming the first unknown flag.
 */
export async function rejectUnknownFlags(resolved: ResolvedCommand): Promise<void> {
  const args = (await resolve(resolved.command.args)) ?? {};
  const known = new Set<string>(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") continue;
    const aliases = "alias" in def ? toArray(def.alias) : [];
    for (const spelling of [name, kebab(name), ...aliases]) {
      known.add(spelling);
      if (def.type === "boolean") known.add(`no-${spelling}`);
    }
  }
  for (let i = 0; i < resolved.rest.length; i++) {
    const arg = resolved.rest[i] as string;
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    if (takesNextValue(arg, args)) i++;
    else if (!known.has(flagName(arg))) {
      const where = ["tollgate", ...resolved.path].join(" ");
      throw new UserError(
        "UNKNOWN_OPTION",
        `unknown option ${arg.split("=")[0]} for "${where}"; run "${where} --help" to list its options`,
      );
    }
  }
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
