/**
 * Signed approvals: a CSC ApprovalArtifact as the payload of a JWS with typ
 * `csc-approval+jws`, signed by the approver's own key. The policy names the
 * trusted approvers, each an identity with its public JWK; an approval counts
 * only when signed by the key of the identity it names.
 */
import * as v from "valibot";
import { MAX_APPROVAL_MS } from "./duration.ts";
import { APPROVAL_TYP, signJws, verifyJws } from "./jws.ts";
import { publicKeyFromJwk, type SigningKey } from "./keys.ts";
import { type ReasonCode, VerificationError } from "./reasons.ts";
import type { ReplayStore } from "./replay.ts";
import { dateTime, nonEmpty, parseSigned, sha256Hex } from "./schema.ts";

/** CSC ApprovalArtifact v0.1 (csc.approval.v0.1.schema.json), strictly. */
export const ApprovalSchema = v.strictObject({
  approval_version: v.literal("csc.approval.v0.1"),
  approval_id: nonEmpty,
  contract_sha256: sha256Hex,
  approver: v.strictObject({
    identity: nonEmpty,
    method: v.picklist(["manual", "cli", "api", "ticket"]),
  }),
  approved_at: dateTime,
  expires_at: dateTime,
  scope: v.picklist(["single_execution", "time_window"]),
  ticket_id: v.optional(nonEmpty),
  reason: v.optional(v.pipe(v.string(), v.maxLength(4000))),
});
export type Approval = v.InferOutput<typeof ApprovalSchema>;
type ApprovalScope = Approval["scope"];
type ApprovalMode = "human_required" | "dual_control_required";

/** How far an approval's `approved_at` may lie ahead of the verifier's clock. */
const DEFAULT_SKEW_SECONDS = 60;

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `apr_` and 26 random Crockford base32 characters (130 bits). */
function newApprovalId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26));
  return `apr_${Array.from(bytes, (byte) => CROCKFORD[byte & 31]).join("")}`;
}

export interface ApprovalRequest {
  contractSha256: string;
  identity: string;
  scope: ApprovalScope;
  now: Date;
  expiresInMs: number;
  ticketId?: string | undefined;
  reason?: string | undefined;
  approvalId?: string;
}

export async function createApproval(
  request: ApprovalRequest,
  key: SigningKey,
): Promise<{ approval: Approval; jws: string }> {
  const approval: Approval = {
    approval_version: "csc.approval.v0.1",
    approval_id: request.approvalId ?? newApprovalId(),
    contract_sha256: request.contractSha256,
    approver: { identity: request.identity, method: "cli" },
    approved_at: request.now.toISOString(),
    expires_at: new Date(request.now.getTime() + request.expiresInMs).toISOString(),
    scope: request.scope,
    ...(request.ticketId === undefined ? {} : { ticket_id: request.ticketId }),
    ...(request.reason === undefined ? {} : { reason: request.reason }),
  };
  v.parse(ApprovalSchema, approval);
  return { approval, jws: await signJws(approval, APPROVAL_TYP, key) };
}

export interface TrustedApprover {
  identity: string;
  /** The approver's public JWK (Ed25519). */
  jwk: unknown;
}

export interface ApprovalCheckOptions {
  /** Canonical SHA-256 (hex) of the contract about to run. */
  contractSha256: string;
  trustedApprovers: readonly TrustedApprover[];
  now: Date;
  /** Defaults to DEFAULT_SKEW_SECONDS. */
  skewSeconds?: number;
  mode: ApprovalMode;
}

interface VerifiedApproval {
  approval: Approval;
  kid: string;
}

interface ApprovalFailure {
  reason: ReasonCode;
  message: string;
  /** Position in the list given, when the failure is about one approval. */
  index?: number;
}

export type ApprovalCheck =
  | { ok: true; approvals: VerifiedApproval[]; approvalIds: string[] }
  | { ok: false; failures: ApprovalFailure[] };

interface ApproverKeys {
  keys: Map<string, CryptoKey>;
  identities: Map<string, Set<string>>;
}

async function approverKeys(trusted: readonly TrustedApprover[]): Promise<ApproverKeys> {
  const keys = new Map<string, CryptoKey>();
  const identities = new Map<string, Set<string>>();
  for (const approver of trusted) {
    const { kid, key } = await publicKeyFromJwk(approver.jwk, `the key of trusted approver ${approver.identity}`);
    keys.set(kid, key);
    identities.set(kid, (identities.get(kid) ?? new Set()).add(approver.identity));
  }
  return { keys, identities };
}

async function checkOne(jws: string, trusted: ApproverKeys, options: ApprovalCheckOptions): Promise<VerifiedApproval> {
  let verified: Awaited<ReturnType<typeof verifyJws>>;
  try {
    verified = await verifyJws(jws, APPROVAL_TYP, trusted.keys);
  } catch (error) {
    if (error instanceof VerificationError && error.code === "KID_UNKNOWN") {
      throw new VerificationError("APPROVER_UNTRUSTED", `signed by a key no trusted approver holds (${error.message})`);
    }
    throw error;
  }
  const approval = parseSigned(ApprovalSchema, verified.payload, "payload");
  const { identity } = approval.approver;
  if (!trusted.identities.get(verified.kid)?.has(identity)) {
    throw new VerificationError(
      "APPROVER_IDENTITY_MISMATCH",
      `approval ${approval.approval_id} names ${identity}, but key ${verified.kid} is not ${identity}'s`,
    );
  }
  if (approval.contract_sha256.toLowerCase() !== options.contractSha256.toLowerCase()) {
    throw new VerificationError(
      "CONTRACT_HASH_MISMATCH",
      `approval ${approval.approval_id} is for contract sha256 ${approval.contract_sha256}, not ${options.contractSha256}`,
    );
  }
  const approvedAt = Date.parse(approval.approved_at);
  const expiresAt = Date.parse(approval.expires_at);
  const now = options.now.getTime();
  if (expiresAt <= approvedAt || expiresAt - approvedAt > MAX_APPROVAL_MS) {
    throw new VerificationError(
      "APPROVAL_WINDOW_INVALID",
      `approval ${approval.approval_id} runs from ${approval.approved_at} to ${approval.expires_at}; it must end after it starts, within 30 days`,
    );
  }
  const skewMs = (options.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  if (approvedAt > now + skewMs) {
    throw new VerificationError(
      "APPROVAL_NOT_YET_VALID",
      `approval ${approval.approval_id} is dated ${approval.approved_at}, later than now (${options.now.toISOString()}) plus ${skewMs / 1000}s of clock skew`,
    );
  }
  if (now >= expiresAt) {
    throw new VerificationError(
      "APPROVAL_EXPIRED",
      `approval ${approval.approval_id} expired at ${approval.expires_at} (now ${options.now.toISOString()})`,
    );
  }
  return { approval, kid: verified.kid };
}

/** Two approvals by distinct people holding distinct keys. */
function hasTwoDistinctApprovers(approvals: readonly VerifiedApproval[]): boolean {
  return approvals.some((a, i) =>
    approvals
      .slice(i + 1)
      .some((b) => a.kid !== b.kid && a.approval.approver.identity !== b.approval.approver.identity),
  );
}

/**
 * Checks every approval given (each must pass) and that together they satisfy
 * `mode`. Consumes nothing: see verifyApprovals.
 */
export async function checkApprovals(
  jwsList: readonly string[],
  options: ApprovalCheckOptions,
): Promise<ApprovalCheck> {
  const trusted = await approverKeys(options.trustedApprovers);
  const failures: ApprovalFailure[] = [];
  const approvals: VerifiedApproval[] = [];
  for (const [index, jws] of jwsList.entries()) {
    try {
      const verified = await checkOne(jws, trusted, options);
      if (approvals.some((seen) => seen.approval.approval_id === verified.approval.approval_id)) {
        throw new VerificationError("APPROVAL_DUPLICATE", `approval ${verified.approval.approval_id} is given twice`);
      }
      approvals.push(verified);
    } catch (error) {
      if (!(error instanceof VerificationError)) throw error;
      failures.push({ reason: error.code, message: error.message, index });
    }
  }
  if (failures.length > 0) return { ok: false, failures };
  const needed = options.mode === "dual_control_required" ? 2 : 1;
  if (approvals.length < needed) {
    const message = `${options.mode} needs ${needed} approval${needed === 1 ? "" : "s"}; ${approvals.length} given`;
    return { ok: false, failures: [{ reason: "APPROVAL_MISSING", message: `APPROVAL_MISSING: ${message}` }] };
  }
  if (needed === 2 && !hasTwoDistinctApprovers(approvals)) {
    const message =
      "dual control needs approvals from two different trusted approvers with two different keys; these come from one";
    return { ok: false, failures: [{ reason: "DUAL_CONTROL_UNMET", message: `DUAL_CONTROL_UNMET: ${message}` }] };
  }
  return { ok: true, approvals, approvalIds: approvals.map((a) => a.approval.approval_id) };
}

export interface ApprovalUseOptions extends ApprovalCheckOptions {
  store: ReplayStore;
  /** The execution the approvals are consumed for (recorded in the store). */
  executionId: string;
}

/**
 * checkApprovals, then consumes the single_execution approvals, all in one
 * transaction: a replayed approval fails the whole set (APPROVAL_REPLAYED).
 * time_window approvals are reusable until they expire.
 */
export async function verifyApprovals(jwsList: readonly string[], options: ApprovalUseOptions): Promise<ApprovalCheck> {
  const checked = await checkApprovals(jwsList, options);
  if (!checked.ok) return checked;
  const consumed = options.store.consume(
    checked.approvals
      .filter(({ approval }) => approval.scope === "single_execution")
      .map(({ approval }) => ({ approvalId: approval.approval_id, contractSha256: approval.contract_sha256 })),
    options.executionId,
    options.now,
  );
  if (!consumed.ok) {
    const message = `approval ${consumed.replayed} was already used for an execution (single_execution)`;
    return { ok: false, failures: [{ reason: "APPROVAL_REPLAYED", message: `APPROVAL_REPLAYED: ${message}` }] };
  }
  return checked;
}
