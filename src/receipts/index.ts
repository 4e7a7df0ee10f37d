/** The receipts module as other modules see it: keys, signed receipts, signed approvals, the replay store. */
export {
  type ApprovalCheck,
  type ApprovalCheckOptions,
  ApprovalSchema,
  checkApprovals,
  createApproval,
  type TrustedApprover,
  verifyApprovals,
} from "./approval.ts";
export { parseApprovalDuration } from "./duration.ts";
export { signEvidence } from "./evidence.ts";
export { IN_TOTO_PAYLOAD_TYPE, pae, RECEIPT_PREDICATE_TYPE, receiptStatement, signDsse } from "./intoto.ts";
export { APPROVAL_TYP, RECEIPT_TYP } from "./jws.ts";
export {
  generateKey,
  type KeyRecord,
  KID_PATTERN,
  keysDir,
  listKeys,
  loadSigningKey,
  loadVerificationKeys,
  type SigningKey,
} from "./keys.ts";
export { VerificationError } from "./reasons.ts";
export {
  buildReceipt,
  type CommandResult,
  type ExecutedCommand,
  type ExecutionReceipt,
  ExecutionReceiptSchema,
  RECEIPT_EXTENSION_VERSION,
  type ReceiptExtension,
  type ReceiptFacts,
  type StreamRecord,
  signReceipt,
  verifyReceipt,
} from "./receipt.ts";
export { type ConsumeResult, openReplayStore, replayStorePath } from "./replay.ts";
