import { statSync } from "node:fs";
import { describeFsError, readFileCapped, UserError } from "../core/index.ts";
import { parseStrictJson } from "./strict-json.ts";

/**
 * Where secret values come from (`--secrets FILE`): a JSON object mapping each
 * secret ref to `{"env": "VAR"}` (read from tollgate's environment) or
 * `{"value": "..."}`, with an optional `"as": "NAME"`, the variable the command
 * receives it as (default: the ref itself). The file must be the user's own
 * and readable by no one else (mode 0600 or stricter).
 */
export interface SecretSource {
  file: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** The user who must own the file; defaults to the current user. */
  uid?: number;
}

export interface ResolvedSecrets {
  /** Variable name -> secret value, to add to a plan's env. */
  env: Record<string, string>;
  /** The variable names, for the plan's `secretNames`. */
  names: string[];
}

const MAX_SECRETS_FILE = 1024 * 1024;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Resolves `refs`; every error names the ref or the file, never a value. */
export function resolveSecrets(refs: readonly string[], source: SecretSource): ResolvedSecrets {
  if (refs.length === 0) return { env: {}, names: [] };
  const entries = readSecretsFile(source);
  const env: Record<string, string> = {};
  for (const ref of refs) {
    const entry = entries[ref];
    if (entry === undefined) {
      throw new UserError("SECRET_UNKNOWN", `secret ref "${ref}" is not in the secrets file ${source.file}: add it`);
    }
    const name = entry.as ?? ref;
    if (!VARIABLE.test(name)) {
      throw new UserError(
        "SECRET_NAME_INVALID",
        `secret ref "${ref}" is not a variable name: give it one with "as" in ${source.file}`,
      );
    }
    const value = "value" in entry ? entry.value : (source.env ?? process.env)[entry.env];
    if (value === undefined) {
      throw new UserError(
        "SECRET_UNSET",
        `secret ref "${ref}" reads the environment variable ${"env" in entry ? entry.env : ""}, which is not set`,
      );
    }
    env[name] = value;
  }
  return { env, names: Object.keys(env) };
}

type Entry = ({ env: string } | { value: string }) & { as?: string };

function readSecretsFile(source: SecretSource): Record<string, Entry> {
  const { file } = source;
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    throw new UserError("SECRETS_UNREADABLE", `cannot read the secrets file ${file}: ${describeFsError(error)}`);
  }
  const uid = source.uid ?? process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new UserError("SECRETS_NOT_OWNED", `the secrets file ${file} is not owned by you (uid ${uid}): refused`);
  }
  if ((stat.mode & 0o077) !== 0) {
    throw new UserError(
      "SECRETS_TOO_OPEN",
      `the secrets file ${file} is mode ${(stat.mode & 0o777).toString(8)}; others may read it: chmod 600 ${file}`,
    );
  }
  const text = new TextDecoder().decode(readFileCapped(file, MAX_SECRETS_FILE, "secrets file"));
  let parsed: unknown;
  try {
    parsed = parseStrictJson(text, `secrets file ${file}`);
  } catch (error) {
    // The parser quotes the offending character, which could be part of a value: keep only where it is.
    const where = /line \d+, column \d+/.exec(error instanceof Error ? error.message : "")?.[0] ?? "somewhere";
    throw new UserError("SECRETS_INVALID", `the secrets file ${file} is not valid JSON (at ${where})`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UserError("SECRETS_INVALID", `the secrets file ${file} must hold a JSON object of ref -> entry`);
  }
  for (const [ref, entry] of Object.entries(parsed)) checkEntry(ref, entry, file);
  return parsed as Record<string, Entry>;
}

function checkEntry(ref: string, entry: unknown, file: string): void {
  const bad = () =>
    new UserError(
      "SECRETS_INVALID",
      `secret ref "${ref}" in ${file} must be {"env": "VAR"} or {"value": "..."}, with an optional "as": "NAME"`,
    );
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw bad();
  const keys = Object.keys(entry);
  const record = entry as Record<string, unknown>;
  const sources = keys.filter((key) => key === "env" || key === "value");
  if (sources.length !== 1 || keys.some((key) => !["env", "value", "as"].includes(key))) throw bad();
  if (keys.some((key) => typeof record[key] !== "string")) throw bad();
}
