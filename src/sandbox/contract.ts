/**
 * The CSC v0.1 CommandContract, strictly: the CSC JSON Schema plus tollgate's
 * limits (argv and pipeline sizes, unique command ids, environment variable
 * names). The schema is the single source of the `CommandContract` type.
 */
import * as v from "valibot";
import { readDocument } from "./load.ts";
import {
  absolutePath,
  boundedString,
  EFFECT_TYPES,
  integer,
  NETWORK_MODES,
  nonEmptyString,
  RISK_CLASSES,
  validate,
} from "./schema.ts";
import { parseStrictJson } from "./strict-json.ts";

export const CONTRACT_MAX_BYTES = 1024 * 1024;
const MAX_COMMANDS = 20;
const MAX_SEGMENTS = 10;
const MAX_ARGV = 200;
const MAX_ARG_CHARS = 128 * 1024;

const argv = v.pipe(
  v.array(
    v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(MAX_ARG_CHARS, "is longer than 128 KiB")),
  ),
  v.minLength(1, "must hold at least the program name"),
  v.maxLength(MAX_ARGV, `must hold at most ${MAX_ARGV} elements`),
);
const argvHolder = v.strictObject({ argv });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const command = v.pipe(
  v.strictObject({
    id: boundedString(1, 128),
    exec: v.optional(argvHolder),
    pipeline: v.optional(
      v.strictObject({
        segments: v.pipe(
          v.array(argvHolder),
          v.minLength(2, "a pipeline has at least 2 segments"),
          v.maxLength(MAX_SEGMENTS, `a pipeline has at most ${MAX_SEGMENTS} segments`),
        ),
      }),
    ),
    cwd: absolutePath,
    read_paths: v.array(absolutePath),
    write_paths: v.array(absolutePath),
    network: v.picklist(NETWORK_MODES),
    env_allow: v.array(v.pipe(v.string(), v.regex(ENV_NAME, "must be an environment variable name (A-Z, 0-9, _)"))),
    secret_refs: v.array(nonEmptyString),
    timeout_sec: integer(1, 86400),
    proposed_effect_type: v.picklist(EFFECT_TYPES),
  }),
  v.check(
    (c) => (c.exec === undefined) !== (c.pipeline === undefined),
    "a command has exactly one of exec or pipeline",
  ),
);

const CommandContractSchema = v.strictObject({
  version: v.literal("csc.v0.1"),
  contract_id: boundedString(8, 128),
  intent: boundedString(1, 1000),
  actor: v.strictObject({
    agent_id: nonEmptyString,
    session_id: nonEmptyString,
    initiating_user: nonEmptyString,
    delegation_scope: nonEmptyString,
  }),
  commands: v.pipe(
    v.array(command),
    v.minLength(1, "must hold at least one command"),
    v.maxLength(MAX_COMMANDS, `must hold at most ${MAX_COMMANDS} commands`),
    v.check((commands) => new Set(commands.map((c) => c.id)).size === commands.length, "command ids must be unique"),
  ),
  risk_class: v.picklist(RISK_CLASSES),
  approval_mode: v.picklist(["policy_only", "human_required", "dual_control_required"]),
  expected_outputs: v.optional(v.array(absolutePath)),
  justification: boundedString(1, 4000),
});

export type CommandContract = v.InferOutput<typeof CommandContractSchema>;
export type ContractCommand = CommandContract["commands"][number];

/** Every argv a command runs: its exec argv, or each pipeline segment's. */
export function segmentsOf(command: ContractCommand): string[][] {
  return command.exec ? [command.exec.argv] : (command.pipeline?.segments ?? []).map((segment) => segment.argv);
}

/** Validates a parsed document as a contract; `what` names it in errors. */
export function parseContract(input: unknown, what = "contract"): CommandContract {
  return validate(CommandContractSchema, input, what, "INVALID_CONTRACT");
}

/** Reads, strictly parses and validates a contract file (at most 1 MiB). */
export function loadContract(path: string): CommandContract {
  const what = `contract ${path}`;
  return parseContract(parseStrictJson(readDocument(path, CONTRACT_MAX_BYTES, "contract"), what), what);
}
