/**
 * Signed execution receipts.
 *
 * The JWS payload is a CSC v0.1 ExecutionReceipt, valid against the CSC schema
 * as it is (additionalProperties: false), so any CSC tool can read it. What
 * an auditor needs beyond it lives in the protected header under the private
 * parameter `tollgate` (the ReceiptExtension): it is signed, since the
 * protected header is part of the signing input, and it is authoritative.
 * Every CSC field that the extension determines is derived from it
 * (`receiptFieldsFrom`), and a receipt whose payload disagrees with its
 * extension does not verify.
 */
import { constants } from "node:os";
import * as v from "valibot";
import { RECEIPT_TYP, signJwsText, verifyJws } from "./jws.ts";
import type { SigningKey, TrustedKeys } from "./keys.ts";
import { VerificationError } from "./reasons.ts";
import {
  absolutePath,
  count,
  dateTime,
  describeIssues,
  integer,
  nonEmpty,
  parseSigned,
  prefixedSha256,
  sha256Hex,
  uniqueStrings,
} from "./schema.ts";

const ReceiptObjectSchema = v.strictObject({
  receipt_version: v.literal("csc.receipt.v0.1"),
  contract_id: nonEmpty,
  execution_id: nonEmpty,
  contract_sha256: sha256Hex,
  status: v.picklist(["success", "failed", "blocked", "expired"]),
  started_at: dateTime,
  ended_at: dateTime,
  exit_code: v.optional(integer),
  stdout_hash: v.optional(prefixedSha256),
  stderr_hash: v.optional(prefixedSha256),
  stdout_truncated: v.optional(v.boolean()),
  stderr_truncated: v.optional(v.boolean()),
  artifacts: v.optional(v.array(v.strictObject({ path: absolutePath, sha256: sha256Hex }))),
  policy_profile: nonEmpty,
  policy_schema_version: v.optional(nonEmpty),
  policy_sha256: v.optional(sha256Hex),
  runner_version: v.optional(nonEmpty),
  execution_mode: v.optional(v.picklist(["local", "hardened"])),
  sandbox_profile_id: v.optional(nonEmpty),
  signing_key_id: v.optional(nonEmpty),
  effect_summary: v.optional(
    v.strictObject({
      files_written: v.optional(count),
      network_used: v.optional(v.boolean()),
      secrets_used: v.optional(count),
    }),
  ),
  completed_command_ids: v.optional(uniqueStrings),
  failed_command_id: v.optional(v.nullable(v.string())),
  error: v.optional(v.string()),
});
type ReceiptObject = v.InferOutput<typeof ReceiptObjectSchema>;

/** The schema's if/then: a receipt of a run that happened records its outcome. */
function requiredWhenRun(field: "exit_code" | "stdout_hash" | "stderr_hash") {
  return v.forward(
    v.check<ReceiptObject, string>(
      (receipt) => !["success", "failed"].includes(receipt.status) || receipt[field] !== undefined,
      "required when status is success or failed",
    ),
    [field],
  );
}

/** CSC ExecutionReceipt v0.1 (csc.execution-receipt.v0.1.schema.json), strictly. */
export const ExecutionReceiptSchema = v.pipe(
  ReceiptObjectSchema,
  requiredWhenRun("exit_code"),
  requiredWhenRun("stdout_hash"),
  requiredWhenRun("stderr_hash"),
);
export type ExecutionReceipt = v.InferOutput<typeof ExecutionReceiptSchema>;

/** One output stream of a command: hashed in full, captured up to a cap. */
const StreamRecordSchema = v.strictObject({
  /** SHA-256 of the FULL stream, `sha256:<hex>`, even when the capture was truncated. */
  sha256: prefixedSha256,
  total_bytes: count,
  captured_bytes: count,
  truncated: v.boolean(),
});
export type StreamRecord = v.InferOutput<typeof StreamRecordSchema>;

const ExecutedCommandSchema = v.pipe(
  v.strictObject({
    id: nonEmpty,
    status: v.picklist(["success", "failed", "timed_out"]),
    /** Resolved executable of each argv (one; several for a pipeline), with its SHA-256. */
    executables: v.pipe(v.array(v.strictObject({ path: absolutePath, sha256: sha256Hex })), v.minLength(1)),
    exit_code: v.nullable(integer),
    /** The signal that ended the process (e.g. "SIGKILL"), or null. */
    signal: v.nullable(nonEmpty),
    stdout: StreamRecordSchema,
    stderr: StreamRecordSchema,
    started_at: dateTime,
    ended_at: dateTime,
    duration_ms: count,
  }),
  v.check((command) => command.exit_code !== null || command.signal !== null, "a command has an exit code or a signal"),
);

const NotRunCommandSchema = v.strictObject({ id: nonEmpty, status: v.literal("not_run") });

const CommandResultSchema = v.variant("status", [ExecutedCommandSchema, NotRunCommandSchema]);
export type CommandResult = v.InferOutput<typeof CommandResultSchema>;
export type ExecutedCommand = v.InferOutput<typeof ExecutedCommandSchema>;

export const RECEIPT_EXTENSION_VERSION = "tollgate.receipt.v1";

/** The `tollgate` protected header parameter. */
const ReceiptExtensionSchema = v.strictObject({
  version: v.literal(RECEIPT_EXTENSION_VERSION),
  /** Unique per execution; also the CSC `execution_id`. */
  execution_id: nonEmpty,
  /** Also the CSC `runner_version`. */
  tollgate_version: nonEmpty,
  execution_mode: v.picklist(["local", "hardened"]),
  /** Canonical SHA-256 of the policy; also the CSC `policy_sha256`. */
  policy_sha256: sha256Hex,
  /** SHA-256 of the exact sandbox launcher arguments (hardened mode), else null; also CSC `sandbox_profile_id` as `sha256:<hex>`. */
  sandbox_profile_sha256: v.nullable(sha256Hex),
  /** The approvals this execution used (consumed when single_execution). */
  approval_ids: uniqueStrings,
  /** Every command of the contract, in order. */
  commands: v.pipe(
    v.array(CommandResultSchema),
    v.minLength(1),
    v.check((commands) => new Set(commands.map((c) => c.id)).size === commands.length, "command ids must be unique"),
  ),
});
export type ReceiptExtension = v.InferOutput<typeof ReceiptExtensionSchema>;

function executed(extension: ReceiptExtension): ExecutedCommand[] {
  return extension.commands.filter((command): command is ExecutedCommand => command.status !== "not_run");
}

/** The shell convention: 128 + signal number for a process a signal ended. */
function exitCodeOf(command: ExecutedCommand): number {
  if (command.exit_code !== null) return command.exit_code;
  const signals = constants.signals as Record<string, number | undefined>;
  return 128 + (signals[command.signal ?? ""] ?? 0);
}

/**
 * The CSC fields the extension determines. The top-level outcome is that of
 * the last command executed. Note on `stdout_hash`/`stderr_hash`: CSC says
 * the hash covers the captured prefix when the capture was truncated;
 * tollgate hashes the full stream always, so the hash here is the full-stream
 * hash and `*_truncated` only says the capture was cut. The per-command
 * records of the extension (sizes, captured bytes) are authoritative.
 */
function receiptFieldsFrom(extension: ReceiptExtension): Partial<ExecutionReceipt> {
  const ran = executed(extension);
  const last = ran.at(-1);
  return {
    execution_id: extension.execution_id,
    policy_sha256: extension.policy_sha256,
    runner_version: extension.tollgate_version,
    execution_mode: extension.execution_mode,
    sandbox_profile_id:
      extension.sandbox_profile_sha256 === null ? undefined : `sha256:${extension.sandbox_profile_sha256}`,
    completed_command_ids: ran.filter((command) => command.status === "success").map((command) => command.id),
    failed_command_id: ran.find((command) => command.status !== "success")?.id ?? null,
    exit_code: last && exitCodeOf(last),
    stdout_hash: last?.stdout.sha256,
    stderr_hash: last?.stderr.sha256,
    stdout_truncated: last?.stdout.truncated,
    stderr_truncated: last?.stderr.truncated,
  };
}

function statusFits(status: ExecutionReceipt["status"], extension: ReceiptExtension): boolean {
  const ran = executed(extension);
  switch (status) {
    case "success":
      return ran.length === extension.commands.length && ran.every((command) => command.status === "success");
    case "failed":
      return ran.some((command) => command.status !== "success");
    default:
      return ran.length === 0;
  }
}

/** Equality of the derived fields' values: primitives, absent, or arrays of strings. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => item === b[i]);
  return (a ?? null) === (b ?? null);
}

/** Where the payload disagrees with the extension (or with the signer, when one is named), or undefined. */
function inconsistency(
  receipt: ExecutionReceipt,
  extension: ReceiptExtension,
  kid: string | undefined,
): string | undefined {
  const expected: Partial<ExecutionReceipt> = {
    ...receiptFieldsFrom(extension),
    ...(kid === undefined ? {} : { signing_key_id: kid }),
  };
  for (const [field, value] of Object.entries(expected)) {
    const actual = receipt[field as keyof ExecutionReceipt];
    if (!sameValue(actual, value)) {
      return `${field} is ${JSON.stringify(actual ?? null)}; the tollgate extension says ${JSON.stringify(value ?? null)}`;
    }
  }
  if (!statusFits(receipt.status, extension)) {
    return `status ${receipt.status} does not fit the command results of the tollgate extension`;
  }
  return undefined;
}

/** What the executor knows beyond the extension. */
export type ReceiptFacts = Pick<
  ExecutionReceipt,
  | "contract_id"
  | "contract_sha256"
  | "status"
  | "started_at"
  | "ended_at"
  | "policy_profile"
  | "policy_schema_version"
  | "artifacts"
  | "effect_summary"
  | "error"
>;

/** What is wrong with a receipt and its extension (schemas, then agreement), or undefined. */
function problemOf(
  receipt: ExecutionReceipt,
  extension: ReceiptExtension,
  kid: string | undefined,
): string | undefined {
  for (const [schema, value, where] of [
    [ExecutionReceiptSchema, receipt, "receipt"],
    [ReceiptExtensionSchema, extension, "extension"],
  ] as const) {
    const result = v.safeParse(schema, value);
    if (!result.success) return `an invalid receipt: ${describeIssues(result.issues, where)}`;
  }
  const problem = inconsistency(receipt, extension, kid);
  return problem && `an inconsistent receipt: ${problem}`;
}

/**
 * Receipts that buildReceipt checked: the extension each was checked against,
 * and the JSON text of both as checked. Text rather than frozen objects:
 * JSON.stringify of a frozen object is several times slower, and signing is
 * mostly stringifying.
 */
const checkedReceipts = new WeakMap<
  ExecutionReceipt,
  { extension: ReceiptExtension; receiptJson: string; extensionJson: string }
>();

/**
 * The CSC receipt for `facts` and `extension`, every derivable field derived,
 * checked against both schemas. A receipt that fails is a bug in the caller:
 * it throws rather than return it.
 */
export function buildReceipt(facts: ReceiptFacts, extension: ReceiptExtension): ExecutionReceipt {
  const fields = { receipt_version: "csc.receipt.v0.1", ...facts, ...receiptFieldsFrom(extension) };
  const receipt = Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as unknown as ExecutionReceipt;
  const problem = problemOf(receipt, extension, undefined);
  if (problem) throw new Error(`refusing to build ${problem}`);
  checkedReceipts.set(receipt, {
    extension,
    receiptJson: JSON.stringify(receipt),
    extensionJson: JSON.stringify(extension),
  });
  return receipt;
}

/**
 * Signs `receipt` (its `signing_key_id` set to the key's kid) with `extension`
 * in the protected header. A pair from buildReceipt whose JSON is still the
 * text checked there is signed as it is; any other is checked here. One that
 * fails its schema or disagrees with the extension is a bug in the caller: it
 * throws rather than sign it.
 */
export async function signReceipt(
  receipt: ExecutionReceipt,
  extension: ReceiptExtension,
  key: SigningKey,
): Promise<string> {
  if (typeof key.kid !== "string" || key.kid === "") throw new Error("refusing to sign with a key that has no kid");
  const receiptJson = JSON.stringify(receipt);
  const extensionJson = JSON.stringify(extension);
  const checked = checkedReceipts.get(receipt);
  const unchanged =
    checked?.extension === extension &&
    checked.receiptJson === receiptJson &&
    checked.extensionJson === extensionJson &&
    receipt.signing_key_id === undefined;
  let payloadJson: string;
  if (unchanged) payloadJson = `${receiptJson.slice(0, -1)},"signing_key_id":${JSON.stringify(key.kid)}}`;
  else {
    const payload = { ...receipt, signing_key_id: key.kid };
    const problem = problemOf(payload, extension, key.kid);
    if (problem) throw new Error(`refusing to sign ${problem}`);
    payloadJson = JSON.stringify(payload);
  }
  return signJwsText(payloadJson, RECEIPT_TYP, key, { tollgate: extensionJson });
}

export interface ReceiptExpectations {
  /** The canonical SHA-256 (hex) of the contract the receipt must be for. */
  contractSha256?: string | undefined;
  /** The canonical SHA-256 (hex) of the policy the receipt must name. */
  policySha256?: string | undefined;
}

export interface VerifiedReceipt {
  receipt: ExecutionReceipt;
  extension: ReceiptExtension;
  kid: string;
}

/**
 * Verifies a receipt JWS offline against `trustedKeys`; throws a
 * VerificationError whose code is the reason. The documents are validated
 * only after the signature verifies.
 */
export async function verifyReceipt(
  jws: string,
  trustedKeys: TrustedKeys,
  expect: ReceiptExpectations = {},
): Promise<VerifiedReceipt> {
  const { header, payload, kid } = await verifyJws(jws, RECEIPT_TYP, trustedKeys);
  const receipt = parseSigned(ExecutionReceiptSchema, payload, "payload");
  const extension = parseSigned(ReceiptExtensionSchema, header.tollgate, "header.tollgate");
  const problem = inconsistency(receipt, extension, kid);
  if (problem) throw new VerificationError("RECEIPT_INCONSISTENT", problem);
  const matches = (expected: string | undefined, actual: string | undefined) =>
    expected === undefined || expected.toLowerCase() === actual?.toLowerCase();
  if (!matches(expect.contractSha256, receipt.contract_sha256)) {
    throw new VerificationError(
      "CONTRACT_HASH_MISMATCH",
      `the receipt is for contract sha256 ${receipt.contract_sha256}, not ${expect.contractSha256}`,
    );
  }
  if (!matches(expect.policySha256, receipt.policy_sha256)) {
    throw new VerificationError(
      "POLICY_HASH_MISMATCH",
      `the receipt names policy sha256 ${receipt.policy_sha256}, not ${expect.policySha256}`,
    );
  }
  return { receipt, extension, kid };
}
