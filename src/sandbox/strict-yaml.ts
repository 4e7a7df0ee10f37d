/**
 * Strict YAML: the YAML 1.2 core schema (so `yes`, `no` and `on` stay
 * strings), no custom or YAML 1.1 tags, no merge keys, duplicate keys
 * rejected, and few aliases (a billion-laughs document fails fast).
 * Documents in the plain block subset policies are written in are read
 * without loading the `yaml` library (plain-yaml.ts); the rest, and every
 * error, go through it.
 */
import { UserError } from "../core/index.ts";
import { parsePlainYaml } from "./plain-yaml.ts";

const MAX_ALIAS_COUNT = 20;

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

/** Parses `text` as one YAML document holding a mapping; errors start with `what`. */
export async function parseStrictYaml(text: string, what: string): Promise<Record<string, unknown>> {
  return parsePlainYaml(text) ?? parseWithLibrary(text, what);
}

/** The full strict parser: every document outside the plain subset, and the reference the subset is tested against. */
export async function parseWithLibrary(text: string, what: string): Promise<Record<string, unknown>> {
  const { parseDocument } = await import("yaml");
  const doc = parseDocument(text, {
    version: "1.2",
    schema: "core",
    merge: false,
    resolveKnownTags: false,
    customTags: [],
    uniqueKeys: true,
    stringKeys: true,
    strict: true,
  });
  const duplicate = doc.errors.find((error) => error.code === "DUPLICATE_KEY");
  if (duplicate) {
    // The error points at the start of the repeated key; read the key's text from there.
    const token = /^("[^"\n]*"|'[^'\n]*'|[^:\n,{}[\]]*[^\s:,{}[\]])/.exec(text.slice(duplicate.pos[0]))?.[1] ?? "?";
    const key = /^["']/.test(token) ? token.slice(1, -1) : token;
    const line = text.slice(0, duplicate.pos[0]).split("\n").length;
    throw new UserError(
      "DUPLICATE_KEY",
      `${what}: duplicate key ${JSON.stringify(key)} at line ${line}; keep one of them`,
    );
  }
  // A warning here is an unresolved tag (`!foo`, `!!binary`): refused rather than read as a plain string.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) throw new UserError("INVALID_YAML", `${what}: invalid YAML: ${firstLine(problem.message)}`);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new UserError("INVALID_YAML", `${what}: invalid YAML: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new UserError("NOT_A_MAPPING", `${what} must contain a YAML mapping (key: value lines) at the top level`);
  }
  return value as Record<string, unknown>;
}
