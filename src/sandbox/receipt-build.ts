import type { CapturedStream } from "../core/index.ts";
import {
  buildReceipt,
  type CommandResult,
  type ExecutionReceipt,
  RECEIPT_EXTENSION_VERSION,
  type ReceiptExtension,
  type StreamRecord,
} from "../receipts/index.ts";
import type { CommandOutcome, ExecutionMode, ExecutionOutcome } from "./plan.ts";

export interface ReceiptInput {
  contract: { contract_id: string; commands: readonly { id: string }[] };
  contractSha256: string;
  policyName: string;
  policySha256: string;
  executionId: string;
  tollgateVersion: string;
  mode: ExecutionMode;
  approvalIds: string[];
  startedAt: Date;
  endedAt: Date;
  secretsUsed: number;
  networkUsed: boolean;
  /** Why nothing ran (deny, missing approval), when nothing ran for a reason other than the sandbox. */
  blockedBy?: string;
  outcome?: ExecutionOutcome;
}

export type ReceiptStatus = ExecutionReceipt["status"];

/**
 * The CSC receipt and tollgate extension of one `tollgate exec`. Nothing ran
 * (deny, missing approval, a sandbox that could not be built): `blocked`,
 * every command `not_run`. Otherwise `success` or `failed` from the commands.
 */
export function executionReceipt(input: ReceiptInput): { receipt: ExecutionReceipt; extension: ReceiptExtension } {
  const outcomes = input.outcome?.commands ?? [];
  const ranAny = outcomes.some((command) => command.status !== "sandbox_error");
  const byId = new Map(outcomes.map((command) => [command.id, command]));
  const commands: CommandResult[] = input.contract.commands.map(({ id }) => {
    const outcome = byId.get(id);
    return outcome && ranAny ? executedRecord(outcome) : { id, status: "not_run" };
  });
  const failure = outcomes.find((command) => command.status !== "success");
  const status: ReceiptStatus = !ranAny ? "blocked" : failure ? "failed" : "success";
  const extension: ReceiptExtension = {
    version: RECEIPT_EXTENSION_VERSION,
    execution_id: input.executionId,
    tollgate_version: input.tollgateVersion,
    execution_mode: input.mode,
    policy_sha256: input.policySha256,
    sandbox_profile_sha256: input.mode === "hardened" && ranAny ? (input.outcome?.sandboxProfileSha256 ?? null) : null,
    approval_ids: input.approvalIds,
    commands,
  };
  const error = input.blockedBy ?? (failure ? describeFailure(failure) : undefined);
  const receipt = buildReceipt(
    {
      contract_id: input.contract.contract_id,
      contract_sha256: input.contractSha256,
      status,
      started_at: input.startedAt.toISOString(),
      ended_at: input.endedAt.toISOString(),
      policy_profile: input.policyName,
      effect_summary: { network_used: ranAny && input.networkUsed, secrets_used: input.secretsUsed },
      ...(error === undefined ? {} : { error }),
    },
    extension,
  );
  return { receipt, extension };
}

/**
 * A command that ran. A sandbox that failed to start after earlier commands
 * ran is recorded as failed, with bwrap's own exit code (the command never started).
 */
function executedRecord(outcome: CommandOutcome): CommandResult {
  const signal = outcome.segments.find((segment) => segment.signal !== null)?.signal ?? null;
  const exitCode = outcome.exitCode ?? outcome.segments.find((segment) => segment.exitCode !== null)?.exitCode ?? null;
  return {
    id: outcome.id,
    status: outcome.status === "sandbox_error" ? "failed" : outcome.status,
    executables: outcome.segments.map((segment) => segment.executable),
    exit_code: exitCode,
    signal,
    stdout: streamRecord(outcome.stdout),
    stderr: streamRecord(outcome.stderr),
    started_at: outcome.startedAt,
    ended_at: outcome.endedAt,
    duration_ms: outcome.durationMs,
  };
}

function streamRecord(stream: CapturedStream): StreamRecord {
  return {
    sha256: `sha256:${stream.sha256}`,
    total_bytes: stream.bytes,
    captured_bytes: stream.capturedBytes,
    truncated: stream.truncated,
  };
}

function describeFailure(command: CommandOutcome): string {
  switch (command.status) {
    case "sandbox_error":
      return `command ${command.id}: ${command.sandboxError ?? "the sandbox could not start"}`;
    case "timed_out":
      return `command ${command.id} timed out`;
    default:
      return `command ${command.id} failed with exit code ${command.exitCode ?? "none"}`;
  }
}
