import type { ArgsDef, CommandDef } from "citty";
import { UserError } from "./errors.ts";

/** Arg sets shared by many commands. */
export const jsonArg = {
  json: { type: "boolean", description: "Print one JSON document to stdout" },
} as const satisfies ArgsDef;

type AnyCommand = CommandDef<ArgsDef>;

/** citty's defineCommand (the identity, for its types), without loading citty: see parseArgs. */
export function defineCommand<const T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> {
  return def;
}

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

/** A command's arguments as its run() receives them: options by name (given, or their default) and positionals by name. */
export interface ParsedArgs {
  /** Every positional, as given. */
  _: string[];
  [name: string]: string | boolean | string[] | undefined;
}

/**
 * Parses `resolved.rest` against the command's argument definitions, more
 * strictly than citty would: an unknown option, an option without its value,
 * a value outside an enum, a missing required argument and a surplus
 * positional are each a usage error naming what is wrong. citty itself is
 * loaded only to print usage (`--help`): its parser pulls node:util into
 * every start of the executable.
 */
export async function parseArgs(resolved: ResolvedCommand): Promise<ParsedArgs> {
  const defs = (await resolve(resolved.command.args)) ?? {};
  const where = ["tollgate", ...resolved.path].join(" ");
  const usageError = (message: string) =>
    new UserError("BAD_ARGUMENTS", `${message}; run "${where} --help" to see its arguments`);
  const options = optionSpellings(defs);
  const parsed: ParsedArgs = { _: [] };
  const positionals: string[] = [];
  const args = resolved.rest;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const spelling = equals === -1 ? arg : arg.slice(0, equals);
    const option = options.get(spelling);
    if (option === undefined) {
      throw new UserError(
        "UNKNOWN_OPTION",
        `unknown option ${spelling} for "${where}"; run "${where} --help" to list its options`,
      );
    }
    const def = defs[option.name] as ArgDef;
    if (def.type === "boolean") {
      if (equals !== -1 && option.negated) throw usageError(`${spelling} takes no value`);
      parsed[option.name] = option.negated ? false : equals === -1 || arg.slice(equals + 1) !== "false";
      continue;
    }
    const next = args[i + 1];
    const valueLeftOut = hasOptionalValue(def) && (next === undefined || next.startsWith("-"));
    const value = equals !== -1 ? arg.slice(equals + 1) : valueLeftOut ? "" : args[++i];
    if (value === undefined) throw usageError(`${spelling} needs a value`);
    if (def.type === "enum" && !(def.options ?? []).includes(value)) {
      throw usageError(`--${option.name} takes one of ${(def.options ?? []).join(", ")}, not ${JSON.stringify(value)}`);
    }
    parsed[option.name] = value;
  }
  parsed._ = [...positionals];
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") {
      const value = positionals.shift() ?? def.default;
      if (value === undefined && def.required !== false) throw usageError(`${name.toUpperCase()} is missing`);
      parsed[name] = value;
    } else if (parsed[name] === undefined) {
      if (def.required === true && def.default === undefined) throw usageError(`--${name} is required`);
      parsed[name] = def.default;
    }
  }
  if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  return parsed;
}

type ArgDef = ArgsDef[string];

/**
 * Marks a string option whose value may be left out (`--changed` alone, or
 * `--changed=REF`, or `--changed REF`): alone, or before another option, its
 * value is "". Spread into the option's definition.
 */
export const optionalValue = { optionalValue: true } as const;

function hasOptionalValue(def: ArgDef): boolean {
  return (def as { optionalValue?: boolean }).optionalValue === true;
}

/** Every way an option may be written: `--name`, `--kebab-name`, `-a` for a one-letter alias, `--no-name` for a boolean. */
function optionSpellings(defs: ArgsDef): Map<string, { name: string; negated: boolean }> {
  const spellings = new Map<string, { name: string; negated: boolean }>();
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") continue;
    const aliases = "alias" in def ? toArray(def.alias) : [];
    for (const long of new Set([name, kebab(name), ...aliases.filter((alias) => alias.length > 1)])) {
      spellings.set(`--${long}`, { name, negated: false });
      if (def.type === "boolean") spellings.set(`--no-${long}`, { name, negated: true });
    }
    for (const short of aliases.filter((alias) => alias.length === 1))
      spellings.set(`-${short}`, { name, negated: false });
  }
  return spellings;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function toArray(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
