import { ExitCode, TollgateError } from "../core/index.ts";

/**
 * Why a receipt or an approval did not verify. The codes are a stable API
 * (reports, scripts, the sandbox's decisions); the words may improve.
 */
export const REASONS = {
  MALFORMED_JWS: "not a well-formed compact JWS",
  ALG_NOT_ALLOWED: "the signature algorithm is not allowed (only EdDSA/Ed25519)",
  TYP_MISMATCH: "the JWS is of another kind (typ)",
  KID_UNKNOWN: "the signing key (kid) is not among the trusted keys",
  SIGNATURE_INVALID: "the signature does not verify with the trusted key",
  SCHEMA_INVALID: "the signed document does not match its schema",
  RECEIPT_INCONSISTENT: "the receipt and its tollgate extension disagree",
  CONTRACT_HASH_MISMATCH: "the contract hash differs from the expected one",
  POLICY_HASH_MISMATCH: "the policy hash differs from the expected one",
  TREE_HASH_MISMATCH: "the gate evidence is for another tree than the expected one",
  APPROVAL_MISSING: "not enough approvals for the approval mode",
  APPROVAL_DUPLICATE: "the same approval is presented twice",
  APPROVER_UNTRUSTED: "the approval is not signed by a trusted approver",
  APPROVER_IDENTITY_MISMATCH: "the approver identity does not belong to the signing key",
  APPROVAL_NOT_YET_VALID: "the approval is dated in the future",
  APPROVAL_EXPIRED: "the approval has expired",
  APPROVAL_WINDOW_INVALID: "the approval's validity window is empty or too long",
  APPROVAL_REPLAYED: "the single-execution approval was already consumed",
  DUAL_CONTROL_UNMET: "dual control needs two distinct trusted approvers",
} as const;

export type ReasonCode = keyof typeof REASONS;

/** A verification that failed: exit 1, with a reason code as its `code`. */
export class VerificationError extends TollgateError {
  declare readonly code: ReasonCode;

  constructor(code: ReasonCode, detail: string) {
    super(code, `${code}: ${detail}`, ExitCode.checkFailed);
  }
}
