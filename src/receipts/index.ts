/** The receipts module as other modules see it: keys, signed receipts, signed approvals, the replay store. */
export {
  type Approval,
  type ApprovalCheck,
  type ApprovalCheckOptions,
  type ApprovalFailure,
  type ApprovalMode,
  type ApprovalRequest,
  ApprovalSchema,
  type ApprovalScope,
  type ApprovalUseOptions,
  checkApprovals,
  createApproval,
  DEFAULT_SKEW_SECONDS,
  newApprovalId,
  type TrustedApprover,
  type VerifiedApproval,
  verifyApprovals,
} from "./approval.ts";
export { MAX_APPROVAL_MS, parseApprovalDuration } from "./duration.ts";
export { EVIDENCE_TYP, signEvidence, verifyEvidence } from "./evidence.ts";
export {
  type DsseEnvelope,
  IN_TOTO_PAYLOAD_TYPE,
  pae,
  RECEIPT_PREDICATE_TYPE,
  receiptStatement,
  signDsse,
} from "./intoto.ts";
export { ALLOWED_ALGS, APPROVAL_TYP, RECEIPT_TYP, SIGNING_ALG } from "./jws.ts";
export {
  generateKey,
  type KeyRecord,
  KID_PATTERN,
  keysDir,
  listKeys,
  loadSigningKey,
  loadVerificationKeys,
  type PublicJwk,
  publicKeyFromJwk,
  type SigningKey,
  type TrustedKeys,
} from "./keys.ts";
export { REASONS, type ReasonCode, VerificationError } from "./reasons.ts";
export {
  buildReceipt,
  type CommandResult,
  CommandResultSchema,
  type ExecutedCommand,
  type ExecutionReceipt,
  ExecutionReceiptSchema,
  RECEIPT_EXTENSION_VERSION,
  type ReceiptExpectations,
  type ReceiptExtension,
  ReceiptExtensionSchema,
  type ReceiptFacts,
  receiptFieldsFrom,
  type StreamRecord,
  signReceipt,
  type VerifiedReceipt,
  verifyReceipt,
} from "./receipt.ts";
export {
  type ConsumedApproval,
  type ConsumeResult,
  openReplayStore,
  type ReplayStore,
  replayStorePath,
} from "./replay.ts";
