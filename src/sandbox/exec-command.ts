/**
 * `tollgate exec CONTRACT --policy POLICY`: evaluate the contract again right
 * before launch, check and consume approvals, resolve secrets, execute, and
 * write a receipt (signed when a key is given) whatever happened.
 */
import { dirname, join, resolve } from "node:path";
import {
  buildInfo,
  defineCommand,
  describeFsError,
  EnvironmentError,
  ExitCode,
  findProjectRoot,
  jsonArg,
  printJson,
  randomHex,
  readFileCapped,
  UserError,
  userConfigDir,
  writeFileAtomic,
  writeStderr,
  writeStdout,
} from "../core/index.ts";
import { loadSigningKey, openReplayStore, replayStorePath, signReceipt, verifyApprovals } from "../receipts/index.ts";
import { loadContract } from "./contract.ts";
import { evaluate } from "./evaluate.ts";
import { cachingFileSystem } from "./executable.ts";
import { execute } from "./executor.ts";
import type { ExecutionMode, ExecutionOutcome } from "./plan.ts";
import { loadPolicy, type Policy } from "./policy.ts";
import { executionReceipt, type ReceiptStatus } from "./receipt-build.ts";
import { resolveSecrets } from "./secrets.ts";

export interface ExecInput {
  contract: string;
  policy: string;
  mode: ExecutionMode;
  approvals: readonly string[];
  key?: string | undefined;
  receiptOut?: string | undefined;
  secrets?: string | undefined;
  now?: () => Date;
}

/** What a command printed, for the caller: captured (capped) text with the command's secret values masked. */
interface CommandOutput {
  id: string;
  stdout: string;
  stderr: string;
  stdout_truncated: boolean;
  stderr_truncated: boolean;
}

export interface ExecResult {
  exitCode: number;
  output: CommandOutput[];
  status: ReceiptStatus;
  decision: string;
  receiptPath: string;
  signed: boolean;
  receipt: unknown;
  tollgate: unknown;
  outcome?: ExecutionOutcome;
}

const MAX_APPROVAL_FILE = 64 * 1024;

export async function execContract(input: ExecInput): Promise<ExecResult> {
  const now = input.now ?? (() => new Date());
  const startedAt = now();
  const executionId = `exe_${randomHex(16)}`;
  const contract = loadContract(input.contract);
  const policy = await loadPolicy(input.policy);
  const key = input.key === undefined ? undefined : await loadSigningKey(input.key);
  const evaluation = evaluate(contract, policy, {
    fs: cachingFileSystem(),
    searchPath: process.env.PATH ?? "",
    env: process.env,
    protectedPaths: [userConfigDir()],
    now: startedAt,
  });
  const { decision } = evaluation.decision;
  const refs = [...new Set(evaluation.commands.flatMap((command) => command.secretRefs))];
  if (refs.length > 0 && decision !== "deny" && input.secrets === undefined) {
    throw new UserError(
      "SECRETS_SOURCE_MISSING",
      `the contract uses secret refs (${refs.join(", ")}): pass --secrets FILE`,
    );
  }
  // Each command gets only the secrets it names; resolved before any approval is consumed.
  const secretsFile = decision === "deny" ? undefined : input.secrets;
  const secrets = evaluation.commands.map((command) =>
    secretsFile === undefined ? { env: {}, names: [] } : resolveSecrets(command.secretRefs, { file: secretsFile }),
  );

  let blockedBy: string | undefined;
  let blockedExit: number = ExitCode.checkFailed;
  let approvalIds: string[] = [];
  if (decision === "deny") blockedBy = `denied by policy "${policy.name}": ${evaluation.decision.reasons.join("; ")}`;
  else if (decision === "needs_approval") {
    const approved = await useApprovals(
      input,
      contract.approval_mode,
      evaluation.contractSha256,
      policy,
      executionId,
      startedAt,
    );
    if (approved.ok) approvalIds = approved.approvalIds;
    else {
      blockedBy = `needs approval: ${approved.messages.join("; ")}`;
      blockedExit = ExitCode.needsApproval;
    }
  }

  let outcome: ExecutionOutcome | undefined;
  if (blockedBy === undefined) {
    const plans = evaluation.plans.map((plan, index) => {
      const own = secrets[index] ?? { env: {}, names: [] };
      return { ...plan, env: { ...plan.env, ...own.env }, secretNames: own.names };
    });
    outcome = await execute(plans, { mode: input.mode, now });
  }
  const { receipt, extension } = executionReceipt({
    contract,
    contractSha256: evaluation.contractSha256,
    policyName: policy.name,
    policySha256: evaluation.policySha256,
    executionId,
    tollgateVersion: buildInfo().version,
    mode: input.mode,
    approvalIds,
    startedAt,
    endedAt: now(),
    secretsUsed: decision === "deny" ? 0 : refs.length,
    networkUsed: evaluation.plans.some((plan) => plan.network === "full"),
    ...(blockedBy === undefined ? {} : { blockedBy }),
    ...(outcome === undefined ? {} : { outcome }),
  });
  const signed = key !== undefined;
  const receiptPath =
    input.receiptOut ??
    join(
      dirname(resolve(input.contract)),
      `${contract.contract_id.replace(/[^A-Za-z0-9._-]/g, "_")}.${executionId}.receipt.${signed ? "jws" : "json"}`,
    );
  const body = key
    ? await signReceipt(receipt, extension, key)
    : `${JSON.stringify({ receipt, tollgate: extension }, null, 2)}`;
  try {
    writeFileAtomic(receiptPath, `${body}\n`, { mode: 0o644 });
  } catch (error) {
    throw new EnvironmentError(
      "RECEIPT_UNWRITABLE",
      `the run ended (${receipt.status}) but its receipt cannot be written to ${receiptPath}: ${describeFsError(error)}; pass --receipt-out PATH`,
    );
  }
  return {
    exitCode: exitCodeFor(receipt.status, blockedBy === undefined ? undefined : blockedExit, outcome),
    output: commandOutput(
      outcome,
      evaluation.plans.map((plan, index) => ({ id: plan.id, secrets: secrets[index] })),
    ),
    status: receipt.status,
    decision,
    receiptPath,
    signed,
    receipt,
    tollgate: extension,
    ...(outcome === undefined ? {} : { outcome }),
  };
}

/**
 * The commands' output as tollgate shows it. A secret reaches the command so
 * it can be used, not seen: an agent reading this output gets `***` where a
 * command printed one of its secret values. The receipt's hashes cover what
 * the command really printed.
 */
function commandOutput(
  outcome: ExecutionOutcome | undefined,
  plans: readonly { id: string; secrets: { env: Record<string, string> } | undefined }[],
): CommandOutput[] {
  return (outcome?.commands ?? []).map((command) => {
    const values = Object.values(plans.find((plan) => plan.id === command.id)?.secrets?.env ?? {})
      .filter((value) => value !== "")
      .sort((a, b) => b.length - a.length);
    const mask = (text: string) => values.reduce((out, value) => out.replaceAll(value, "***"), text);
    return {
      id: command.id,
      stdout: mask(command.stdout.text),
      stderr: mask(command.stderr.text),
      stdout_truncated: command.stdout.truncated,
      stderr_truncated: command.stderr.truncated,
    };
  });
}

async function useApprovals(
  input: ExecInput,
  approvalMode: string,
  contractSha256: string,
  policy: Policy,
  executionId: string,
  now: Date,
): Promise<{ ok: true; approvalIds: string[] } | { ok: false; messages: string[] }> {
  if (input.approvals.length === 0) return { ok: false, messages: ["no --approval given"] };
  const jwsList = input.approvals.map((file) =>
    new TextDecoder().decode(readFileCapped(file, MAX_APPROVAL_FILE, "approval file")).trim(),
  );
  const store = await openReplayStore(replayStorePath(findProjectRoot()));
  try {
    const checked = await verifyApprovals(jwsList, {
      contractSha256,
      trustedApprovers: policy.tollgate?.trusted_approvers ?? [],
      now,
      mode: approvalMode === "dual_control_required" ? "dual_control_required" : "human_required",
      store,
      executionId,
    });
    return checked.ok
      ? { ok: true, approvalIds: checked.approvalIds }
      : { ok: false, messages: checked.failures.map((failure) => failure.message) };
  } finally {
    store.close();
  }
}

function exitCodeFor(status: ReceiptStatus, blockedExit: number | undefined, outcome?: ExecutionOutcome): number {
  if (blockedExit !== undefined) return blockedExit;
  if (outcome?.commands.some((command) => command.status === "sandbox_error")) return ExitCode.environment;
  return status === "success" ? ExitCode.ok : ExitCode.checkFailed;
}

/** Every `--approval FILE`: citty keeps only the last of a repeated flag. */
function approvalFiles(rawArgs: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i] as string;
    if (arg === "--") break;
    if (arg === "--approval" && rawArgs[i + 1] !== undefined) files.push(rawArgs[++i] as string);
    else if (arg.startsWith("--approval=")) files.push(arg.slice("--approval=".length));
  }
  return files;
}

function summary(result: ExecResult): string {
  const ran = result.outcome?.commands ?? [];
  const lines = [
    `${result.status}: decision ${result.decision}, ${ran.length} command${ran.length === 1 ? "" : "s"} run`,
    ...ran.map(
      (command) =>
        `  ${command.id}: ${command.status}${command.exitCode === null ? "" : ` (exit ${command.exitCode})`}${command.sandboxError ? ` ${command.sandboxError}` : ""}`,
    ),
    `receipt${result.signed ? " (signed)" : " (unsigned: pass --key to sign)"}: ${result.receiptPath}`,
  ];
  const error = (result.receipt as { error?: string }).error;
  if (error !== undefined && ran.length === 0) lines.splice(1, 0, `  ${error}`);
  return `${lines.join("\n")}\n`;
}

export const execCommand = defineCommand({
  meta: {
    name: "exec",
    description:
      "Run a command contract under a policy and write a receipt: exit 0 success, 1 denied or failed, 3 needs approval, 4 sandbox unavailable",
  },
  args: {
    contract: { type: "positional", description: "Command contract file (CSC v0.1 JSON)", required: true },
    policy: { type: "string", description: "Policy file (CSC v0.1 YAML)", required: true },
    mode: {
      type: "enum",
      options: ["hardened", "local"],
      default: "hardened",
      description: "hardened (bubblewrap) or local (limits only, no isolation)",
    },
    approval: { type: "string", description: "Signed approval file (repeat for dual control)" },
    key: { type: "string", description: "Sign the receipt with this key (kid or PKCS#8 PEM file)" },
    "receipt-out": { type: "string", description: "Where to write the receipt (default: next to the contract)" },
    secrets: { type: "string", description: 'Secrets file (JSON, mode 0600): ref -> {"env": VAR} or {"value": ...}' },
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const result = await execContract({
      contract: args.contract,
      policy: args.policy,
      mode: args.mode === "local" ? "local" : "hardened",
      approvals: approvalFiles(rawArgs),
      key: args.key,
      receiptOut: args["receipt-out"],
      secrets: args.secrets,
    });
    if (!args.json) {
      // The commands' own output, as they printed it (secrets masked), then tollgate's summary.
      for (const command of result.output) {
        writeStdout(command.stdout);
        writeStderr(command.stderr);
      }
    }
    writeStderr(summary(result));
    if (args.json) {
      printJson({
        status: result.status,
        exit_code: result.exitCode,
        decision: result.decision,
        receipt_path: result.receiptPath,
        signed: result.signed,
        commands: result.output,
        receipt: result.receipt,
        tollgate: result.tollgate,
      });
    }
    return result.exitCode;
  },
});
