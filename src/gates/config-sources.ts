/**
 * Reading the project files config lives in: tollgate.toml, pyproject.toml and
 * package.json, each capped in size before it is parsed and parsed strictly
 * (duplicate keys are errors in both formats), each parsed at most once.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import { readFileCapped, UserError } from "../core/index.ts";
import { parseStrictJson } from "../sandbox/index.ts";

export const MAX_CONFIG_BYTES = 256 * 1024;

/** The project's files, read lazily and parsed once; a missing file is undefined. */
export interface ProjectFiles {
  root: string;
  exists(file: string): boolean;
  text(file: string): string | undefined;
  toml(file: string): Record<string, unknown> | undefined;
  json(file: string): unknown;
}

export function projectFiles(root: string): ProjectFiles {
  const texts = new Map<string, string | undefined>();
  const parsed = new Map<string, unknown>();
  const exists = (file: string) => existsSync(join(root, file));
  const text = (file: string) => {
    if (!texts.has(file)) {
      const path = join(root, file);
      texts.set(
        file,
        existsSync(path) ? new TextDecoder().decode(readFileCapped(path, MAX_CONFIG_BYTES, file)) : undefined,
      );
    }
    return texts.get(file);
  };
  const once = <T>(file: string, parse: (text: string) => T): T | undefined => {
    if (!parsed.has(file)) {
      const content = text(file);
      parsed.set(file, content === undefined ? undefined : parse(content));
    }
    return parsed.get(file) as T | undefined;
  };
  return {
    root,
    exists,
    text,
    toml: (file) => once(file, (content) => parseTomlText(content, file)),
    json: (file) => once(file, (content) => parseStrictJson(content, file)),
  };
}

export function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const problem = (error.message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    throw new UserError(
      "INVALID_TOML",
      `${file}: invalid TOML at line ${error.line}, column ${error.column}: ${problem}`,
      { cause: error },
    );
  }
}

/** `lookup(doc, ["tool", "ruff"])`: the nested value, or undefined when a step is missing or not a table. */
export function lookup(document: unknown, keys: readonly string[]): unknown {
  let value = document;
  for (const key of keys) {
    if (value === null || typeof value !== "object" || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Where the gates config was found. */
export interface ConfigSource {
  /** How values from it are labelled: `tollgate.toml`, `pyproject.toml [tool.tollgate]`, `package.json "tollgate"`. */
  label: string;
  file: string;
  /** Prefix of key paths in messages, so they name the key as it is written in the file. */
  keyPrefix: string;
  document: unknown;
}

/**
 * The one place the project's gates config lives, or undefined. Two places
 * are an error: tollgate would otherwise silently ignore one of them.
 */
export function findConfigSource(files: ProjectFiles): ConfigSource | undefined {
  const found: ConfigSource[] = [];
  const toml = files.toml("tollgate.toml");
  if (toml !== undefined) found.push({ label: "tollgate.toml", file: "tollgate.toml", keyPrefix: "", document: toml });
  const pyproject = lookup(files.toml("pyproject.toml"), ["tool", "tollgate"]);
  if (pyproject !== undefined) {
    found.push({
      label: "pyproject.toml [tool.tollgate]",
      file: "pyproject.toml",
      keyPrefix: "tool.tollgate.",
      document: pyproject,
    });
  }
  const packageJson = lookup(files.json("package.json"), ["tollgate"]);
  if (packageJson !== undefined) {
    found.push({
      label: 'package.json "tollgate"',
      file: "package.json",
      keyPrefix: "tollgate.",
      document: packageJson,
    });
  }
  if (found.length > 1) {
    throw new UserError(
      "CONFIG_CONFLICT",
      `tollgate config found in both ${found.map((source) => source.label).join(" and ")}; ` +
        "keep it in one place (tollgate reads only one, so the other would be silently ignored)",
    );
  }
  return found[0];
}
