/**
 * The CSC v0.1 Policy, strictly, plus tollgate's own settings in one optional
 * `tollgate:` block. A CSC policy loads unchanged; the schema is the single
 * source of the `Policy` type.
 */
import * as v from "valibot";
import { readDocument } from "./load.ts";
import {
  absolutePath,
  EFFECT_TYPES,
  integer,
  NETWORK_MODES,
  nonEmptyString,
  RISK_CLASSES,
  uniqueArray,
  validate,
} from "./schema.ts";
import { parseStrictYaml } from "./strict-yaml.ts";

export const POLICY_MAX_BYTES = 512 * 1024;

const GIB = 1024 ** 3;

/** A policy prefix: an absolute path; a trailing `/**` means the same as the folder itself. */
const prefix = v.pipe(
  absolutePath,
  v.check(
    (path) => !/[*?[\]{}]/.test(path.endsWith("/**") ? path.slice(0, -3) : path),
    "glob characters are not supported (only a trailing /**)",
  ),
);

const limits = v.strictObject({
  /** CPU seconds per process (RLIMIT_CPU), at most a day. */
  cpu_seconds: v.optional(integer(1, 86_400)),
  /** Address space per process in bytes (RLIMIT_AS), at most 1 TiB. */
  memory_bytes: v.optional(integer(1, 1024 * GIB)),
  /** Open file descriptors per process (RLIMIT_NOFILE). */
  open_files: v.optional(integer(1, 1_048_576)),
  /** Processes of the user inside the sandbox (RLIMIT_NPROC). */
  processes: v.optional(integer(1, 65_536)),
  /** Largest file a process may write, in bytes (RLIMIT_FSIZE), at most 1 TiB. */
  file_size_bytes: v.optional(integer(1, 1024 * GIB)),
});

const TollgateSettingsSchema = v.strictObject({
  /** Whether inline code (`python3 -c`, `sh -c`, `node -e`, `find -exec`, `curl | sh`...) may run. Default false. */
  allow_inline_code: v.optional(v.boolean()),
  /** Environment variables a command may list in `env_allow`; any other name is denied. Default: none. */
  allowed_env: v.optional(
    uniqueArray(
      v.pipe(v.string(), v.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name")),
      "name",
    ),
  ),
  /** When present, the only secret refs a command may name (with `allow_secret_refs: true`). */
  allowed_secret_refs: v.optional(uniqueArray(nonEmptyString, "secret ref")),
  /** Who may approve a contract: an identity and its Ed25519 public key (JWK), used by the receipts module. */
  trusted_approvers: v.optional(
    v.array(
      v.strictObject({
        identity: nonEmptyString,
        jwk: v.strictObject({
          kty: v.literal("OKP"),
          crv: v.literal("Ed25519"),
          x: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, "must be a 32-byte key in base64url (43 characters)")),
        }),
      }),
    ),
  ),
  /** Folders (besides the system ones) whose programs a command may run by absolute path or PATH lookup. */
  executable_dirs: v.optional(v.array(prefix)),
  /** Resource limits that replace tollgate's defaults for every command. */
  limits: v.optional(limits),
});

const PolicySchema = v.strictObject({
  policy_schema_version: v.literal("csc.policy.v0.1"),
  name: nonEmptyString,
  allow_commands: v.pipe(uniqueArray(nonEmptyString, "command"), v.minLength(1, "must list at least one command")),
  deny_argv_prefixes: v.optional(v.array(v.pipe(v.array(nonEmptyString), v.minLength(1, "must not be empty")))),
  allowed_effect_types: v.pipe(
    uniqueArray(v.picklist(EFFECT_TYPES), "effect type"),
    v.minLength(1, "must not be empty"),
  ),
  manual_approval_for_classified_effect_types: v.optional(uniqueArray(nonEmptyString, "effect type")),
  allowed_risk_classes: v.pipe(
    uniqueArray(v.picklist(RISK_CLASSES), "risk class"),
    v.minLength(1, "must not be empty"),
  ),
  max_timeout_sec: integer(1, Number.MAX_SAFE_INTEGER),
  network: v.picklist(NETWORK_MODES),
  allow_secret_refs: v.boolean(),
  require_write_paths_empty: v.optional(v.boolean()),
  allowed_cwd_prefixes: v.pipe(v.array(prefix), v.minLength(1, "must not be empty")),
  allowed_read_prefixes: v.pipe(v.array(prefix), v.minLength(1, "must not be empty")),
  allowed_write_prefixes: v.optional(v.array(prefix)),
  allowed_egress_hosts: v.optional(uniqueArray(nonEmptyString, "host")),
  tollgate: v.optional(TollgateSettingsSchema),
});

export type Policy = v.InferOutput<typeof PolicySchema>;

/** Validates a parsed document as a policy; `what` names it in errors. */
export function parsePolicy(input: unknown, what = "policy"): Policy {
  return validate(PolicySchema, input, what, "INVALID_POLICY");
}

/** Reads, strictly parses (YAML, which includes JSON) and validates a policy file (at most 512 KiB). */
export async function loadPolicy(path: string): Promise<Policy> {
  const what = `policy ${path}`;
  return parsePolicy(await parseStrictYaml(readDocument(path, POLICY_MAX_BYTES, "policy"), what), what);
}
