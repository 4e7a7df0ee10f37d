/**
 * `tollgate keys ...`, `tollgate receipt ...`, `tollgate approve`. Documents
 * the user asks for (`--json`, exported keys, an approval JWS) go to stdout;
 * everything else to stderr. No command ever prints a private key.
 */
import { existsSync } from "node:fs";
import {
  defineCommand,
  ExitCode,
  jsonArg,
  printJson,
  readFileCapped,
  UserError,
  writeFileAtomic,
  writeStderr,
  writeStdout,
} from "../core/index.ts";
import { createApproval } from "./approval.ts";
import { parseApprovalDuration } from "./duration.ts";
import { EVIDENCE_TYP, verifyEvidence } from "./evidence.ts";
import { receiptStatement, signDsse } from "./intoto.ts";
import { decodeUnverified, RECEIPT_TYP } from "./jws.ts";
import {
  generateKey,
  type KeyRecord,
  keyFiles,
  keysDir,
  listKeys,
  loadSigningKey,
  loadVerificationKeys,
  readKeyRecord,
  type TrustedKeys,
} from "./keys.ts";
import { REASONS, VerificationError } from "./reasons.ts";
import { verifyReceipt } from "./receipt.ts";

const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
const SHA256_HEX = /^[A-Fa-f0-9]{64}$/;

function readText(path: string, what: string): string {
  return new TextDecoder().decode(readFileCapped(path, MAX_DOCUMENT_BYTES, what)).trim();
}

/**
 * How contract and policy files become the hashes receipts and approvals bind
 * to. The loaders live in the sandbox module, which depends on this one, so
 * the CLI root hands them in.
 */
export interface DocumentHashes {
  contractSha256(path: string): string;
  policySha256(path: string): Promise<string>;
}

function describeKey(record: KeyRecord, dir: string): string {
  const publicOnly = hasPrivateKey(dir, record.kid) ? "" : "  (public only)";
  return `${record.kid}  ${record.created_at.slice(0, 16).replace("T", " ")} UTC  ${record.name || "(no name)"}${publicOnly}`;
}

function hasPrivateKey(dir: string, kid: string): boolean {
  return existsSync(keyFiles(dir, kid).privatePem);
}

const kidArg = {
  kid: { type: "positional", description: 'Key id (kid), as printed by "tollgate keys list"', required: true },
} as const;

const generate = defineCommand({
  meta: { name: "generate", description: "Create an Ed25519 signing key pair in the keys folder" },
  args: { name: { type: "string", description: "A label for the key" }, ...jsonArg },
  async run({ args }) {
    const dir = keysDir();
    const record = await generateKey(dir, args.name ?? "", new Date());
    const files = keyFiles(dir, record.kid);
    if (args.json) printJson({ ...record, files });
    else {
      writeStderr(
        `Created key ${record.kid}\n  private key: ${files.privatePem} (0600, never printed)\n  public key:  ${files.publicPem}\n` +
          `Share the public key with "tollgate keys export ${record.kid}".\n`,
      );
    }
    return ExitCode.ok;
  },
});

const list = defineCommand({
  meta: { name: "list", description: "List the keys in the keys folder" },
  args: { ...jsonArg },
  run({ args }) {
    const dir = keysDir();
    const keys = listKeys(dir);
    if (args.json) {
      printJson({ dir, keys: keys.map((record) => ({ ...record, has_private_key: hasPrivateKey(dir, record.kid) })) });
    } else if (keys.length === 0) {
      writeStderr(`No keys in ${dir}; create one with "tollgate keys generate".\n`);
    } else {
      writeStderr(`${keys.map((record) => describeKey(record, dir)).join("\n")}\n`);
    }
    return ExitCode.ok;
  },
});

const show = defineCommand({
  meta: { name: "show", description: "Show a key's public parts (never the private key)" },
  args: { ...kidArg, ...jsonArg },
  run({ args }) {
    const dir = keysDir();
    const record = readKeyRecord(dir, args.kid);
    const { publicPem } = keyFiles(dir, record.kid);
    if (args.json) printJson({ ...record, public_pem: readText(publicPem, "public key") });
    else {
      writeStderr(
        `kid:      ${record.kid}\nname:     ${record.name || "(none)"}\ncreated:  ${record.created_at}\nalgorithm: Ed25519 (JWS alg EdDSA)\n` +
          `public key: ${publicPem}\nprivate key: ${hasPrivateKey(dir, record.kid) ? "present (not shown)" : "absent"}\n`,
      );
    }
    return ExitCode.ok;
  },
});

const exportKey = defineCommand({
  meta: { name: "export", description: "Print a public key: a JWK, a JWKS (for --keys) or an SPKI PEM" },
  args: {
    ...kidArg,
    format: { type: "enum", options: ["jwk", "jwks", "pem"], default: "jwk", description: "jwk, jwks or pem" },
  },
  run({ args }) {
    const dir = keysDir();
    const record = readKeyRecord(dir, args.kid);
    if (args.format === "pem") writeStdout(`${readText(keyFiles(dir, record.kid).publicPem, "public key")}\n`);
    else printJson(args.format === "jwks" ? { keys: [record.jwk] } : record.jwk);
    return ExitCode.ok;
  },
});

export const keysCommand = defineCommand({
  meta: { name: "keys", description: "Ed25519 signing keys: generate, list, show, export the public key" },
  subCommands: { generate, list, show, export: exportKey },
});

const receiptArg = {
  receipt: { type: "positional", description: "Receipt file (a compact JWS)", required: true },
} as const;

const verifyCommand = (documents: DocumentHashes) =>
  defineCommand({
    meta: {
      name: "verify",
      description: "Verify a signed receipt offline: exit 0 valid, 1 invalid (with the reason), 2 bad input",
    },
    args: {
      ...receiptArg,
      key: { type: "string", description: "Trusted public key: a kid in the keys folder, or a PEM or JWK file" },
      keys: { type: "string", description: "Trusted public keys: a JWKS file" },
      contract: { type: "string", description: "Contract file the receipt must be for" },
      policy: { type: "string", description: "Policy file the receipt must name" },
      "policy-sha256": { type: "string", description: "Or the policy's canonical SHA-256 (hex)" },
      tree: { type: "string", description: "Gate evidence only: the git tree hash it must be for" },
      ...jsonArg,
    },
    async run({ args }) {
      const keyArg = args.key ?? args.keys;
      if ((args.key === undefined) === (args.keys === undefined) || keyArg === undefined) {
        throw new UserError("BAD_ARGUMENTS", "give the trusted key with exactly one of --key KEY or --keys JWKS");
      }
      const policyHash = args["policy-sha256"];
      if (policyHash !== undefined && !SHA256_HEX.test(policyHash)) {
        throw new UserError("BAD_ARGUMENTS", "--policy-sha256 takes 64 hex digits");
      }
      if (policyHash !== undefined && args.policy !== undefined) {
        throw new UserError("BAD_ARGUMENTS", "give the policy with one of --policy FILE or --policy-sha256 HEX");
      }
      const jws = readText(args.receipt, "receipt");
      const trusted = await loadVerificationKeys(keyArg);
      if (decodeUnverified(jws)?.header.typ === EVIDENCE_TYP) return verifyEvidenceFile(jws, trusted, args);
      if (args.tree !== undefined)
        throw new UserError("BAD_ARGUMENTS", "--tree applies to gate evidence, not receipts");
      const expect = {
        contractSha256: args.contract === undefined ? undefined : documents.contractSha256(args.contract),
        policySha256: args.policy === undefined ? policyHash : await documents.policySha256(args.policy),
      };
      try {
        const { receipt, extension, kid } = await verifyReceipt(jws, trusted, expect);
        if (args.json) printJson({ valid: true, kid, receipt, extension });
        else {
          writeStderr(
            `VALID: receipt ${shown(receipt.execution_id)} (${receipt.status}) for contract ${shown(receipt.contract_id)}, signed by ${kid}\n`,
          );
        }
        return ExitCode.ok;
      } catch (error) {
        return invalid(error, args.json === true);
      }
    },
  });

/** `receipt verify` given gate evidence (.tollgate/evidence.jws): the signature, the document, the tree. */
async function verifyEvidenceFile(
  jws: string,
  trusted: TrustedKeys,
  args: { contract?: string; policy?: string; "policy-sha256"?: string; tree?: string; json?: boolean },
): Promise<number> {
  if (args.contract !== undefined || args.policy !== undefined || args["policy-sha256"] !== undefined) {
    throw new UserError("BAD_ARGUMENTS", "gate evidence binds no contract or policy; check its tree with --tree HASH");
  }
  try {
    const { evidence, kid } = await verifyEvidence(jws, trusted, { treeHash: args.tree });
    if (args.json) printJson({ valid: true, kid, evidence });
    else {
      const counts = `${evidence.gates.filter((gate) => gate.verdict === "pass").length}/${evidence.gates.length} gates passed`;
      const tree = evidence.treeHash ? ` on tree ${evidence.treeHash}` : "";
      writeStderr(
        `VALID: tollgate ${evidence.stage} evidence: ${evidence.verdict} (${counts})${tree}, signed by ${kid}\n`,
      );
    }
    return ExitCode.ok;
  } catch (error) {
    return invalid(error, args.json === true);
  }
}

/** A failed verification: its reason on stderr (or as JSON), exit 1. Anything else is not a verdict and propagates. */
function invalid(error: unknown, json: boolean): number {
  if (!(error instanceof VerificationError)) throw error;
  if (json) printJson({ valid: false, reason: error.code, summary: REASONS[error.code], message: error.message });
  else writeStderr(`INVALID: ${error.message}\n`);
  return ExitCode.checkFailed;
}

function readUnverifiedReceipt(path: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const decoded = decodeUnverified(readText(path, "receipt"));
  if (decoded?.header.typ !== RECEIPT_TYP) {
    throw new UserError(
      "RECEIPT_UNREADABLE",
      `${path} is not a receipt (a compact JWS with a JSON header and payload, typ ${RECEIPT_TYP})`,
    );
  }
  return decoded;
}

/** A claimed value for the terminal: the receipt is untrusted, so no control characters (escape sequences) pass. */
function shown(value: unknown): string {
  return String(value).replace(/\p{Cc}/gu, "?");
}

function summary(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  const extension = (header.tollgate ?? {}) as Record<string, unknown>;
  const commands = Array.isArray(extension.commands) ? (extension.commands as Record<string, unknown>[]) : [];
  const approvals = Array.isArray(extension.approval_ids) ? extension.approval_ids.join(", ") : "";
  const lines = [
    'NOT VERIFIED: this shows what the receipt claims; run "tollgate receipt verify" to check it.',
    `status:      ${shown(payload.status)}`,
    `contract:    ${shown(payload.contract_id)} (sha256 ${shown(payload.contract_sha256)})`,
    `execution:   ${shown(payload.execution_id)}`,
    `policy:      ${shown(payload.policy_profile)} (sha256 ${shown(payload.policy_sha256 ?? extension.policy_sha256)})`,
    `mode:        ${shown(payload.execution_mode ?? extension.execution_mode)}`,
    `time:        ${shown(payload.started_at)} .. ${shown(payload.ended_at)}`,
    `signer kid:  ${shown(header.kid)} (alg ${shown(header.alg)}, typ ${shown(header.typ)})`,
    `approvals:   ${shown(approvals || "none")}`,
    "commands:",
    ...commands.map((command) =>
      command.status === "not_run"
        ? `  ${shown(command.id)}  not run`
        : `  ${shown(command.id)}  ${shown(command.status)}  exit ${shown(command.exit_code)}${command.signal ? ` (${shown(command.signal)})` : ""}  ` +
          `stdout ${shown((command.stdout as Record<string, unknown> | undefined)?.sha256)}  stderr ${shown((command.stderr as Record<string, unknown> | undefined)?.sha256)}`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

const showReceipt = defineCommand({
  meta: { name: "show", description: "Show what a receipt claims, without verifying it" },
  args: { ...receiptArg, ...jsonArg },
  run({ args }) {
    const { header, payload } = readUnverifiedReceipt(args.receipt);
    if (args.json) {
      printJson({
        verified: false,
        note: 'not verified; run "tollgate receipt verify"',
        header: { alg: header.alg, typ: header.typ, kid: header.kid },
        extension: header.tollgate ?? null,
        receipt: payload,
      });
    } else writeStderr(summary(header, payload));
    return ExitCode.ok;
  },
});

const exportReceipt = defineCommand({
  meta: {
    name: "export",
    description:
      "Print a receipt as an in-toto Statement in a DSSE envelope, signed with --key (the receipt must verify with that key)",
  },
  args: {
    ...receiptArg,
    format: { type: "enum", options: ["in-toto"], default: "in-toto", description: "in-toto (a DSSE envelope)" },
    key: { type: "string", description: "Signing key: a kid in the keys folder or a PKCS#8 PEM file", required: true },
  },
  async run({ args }) {
    const jws = readText(args.receipt, "receipt");
    const key = await loadSigningKey(args.key);
    try {
      const verified = await verifyReceipt(jws, new Map([[key.kid, key.publicKey]]));
      printJson(await signDsse(receiptStatement(verified, jws), key));
      return ExitCode.ok;
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      writeStderr(`INVALID: ${error.message}; only a receipt that verifies with --key is exported\n`);
      return ExitCode.checkFailed;
    }
  },
});

/** `tollgate receipt ...` and `tollgate approve`, given how to hash the documents they bind to. */
export function receiptCommands(documents: DocumentHashes) {
  return {
    receiptCommand: defineCommand({
      meta: { name: "receipt", description: "Signed execution receipts: verify offline, show, export as in-toto" },
      subCommands: { verify: verifyCommand(documents), show: showReceipt, export: exportReceipt },
    }),
    approveCommand: approveCommand(documents),
  };
}

const approveCommand = (documents: DocumentHashes) =>
  defineCommand({
    meta: { name: "approve", description: "Sign an approval of a contract (a JWS to hand to the run that needs it)" },
    args: {
      contract: { type: "positional", description: "Contract file to approve", required: true },
      approver: {
        type: "string",
        description: "Your identity, as the policy's trusted_approvers names it",
        required: true,
      },
      key: {
        type: "string",
        description: "Your signing key: a kid in the keys folder or a PKCS#8 PEM file",
        required: true,
      },
      expires: {
        type: "string",
        description: "How long the approval lasts: 30m, 1h, 2d (at most 30d)",
        required: true,
      },
      scope: {
        type: "enum",
        options: ["single_execution", "time_window"],
        description: "single_execution (used once) or time_window (reusable until it expires)",
        required: true,
      },
      ticket: { type: "string", description: "Change request or issue that justifies the approval" },
      reason: { type: "string", description: "Why (at most 4000 characters)" },
      out: { type: "string", description: "Write the approval JWS to this file instead of stdout" },
      ...jsonArg,
    },
    async run({ args }) {
      const expiresInMs = parseApprovalDuration(args.expires);
      if (args.approver.trim() === "") throw new UserError("BAD_ARGUMENTS", "--approver needs an identity");
      if (args.reason !== undefined && args.reason.length > 4000) {
        throw new UserError("BAD_ARGUMENTS", "--reason is at most 4000 characters");
      }
      if (args.ticket === "") throw new UserError("BAD_ARGUMENTS", "--ticket needs an id");
      const request = {
        contractSha256: documents.contractSha256(args.contract),
        identity: args.approver,
        scope: args.scope as "single_execution" | "time_window",
        now: new Date(),
        expiresInMs,
        ticketId: args.ticket,
        reason: args.reason,
      };
      const { approval, jws } = await createApproval(request, await loadSigningKey(args.key));
      if (args.out !== undefined) writeFileAtomic(args.out, `${jws}\n`, { mode: 0o644 });
      if (args.json) printJson({ approval, jws, file: args.out ?? null });
      else {
        if (args.out === undefined) writeStdout(`${jws}\n`);
        writeStderr(
          `Approval ${approval.approval_id} of contract sha256 ${approval.contract_sha256} by ${approval.approver.identity}, ` +
            `${approval.scope}, expires ${approval.expires_at}${args.out === undefined ? "" : `; written to ${args.out}`}\n`,
        );
      }
      return ExitCode.ok;
    },
  });
