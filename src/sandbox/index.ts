/** The sandbox module as other modules see it. */
export { bwrapArgs, type HostInfo, SandboxError } from "./bwrap-args.ts";
export { sandboxChecks } from "./checks.ts";
export {
  CONTRACT_MAX_BYTES,
  type CommandContract,
  CommandContractSchema,
  type ContractCommand,
  loadContract,
  parseContract,
  segmentsOf,
} from "./contract.ts";
export { type DecisionKind, type PolicyDecision, PolicyDecisionSchema, parsePolicyDecision } from "./decision.ts";
export { classifyEffect } from "./effects.ts";
export {
  type CommandResult,
  DEFAULT_LIMITS,
  DEFAULT_VALIDITY_SECONDS,
  type EvaluateOptions,
  type Evaluation,
  evaluate,
  type Finding,
  matchesDenyPrefix,
} from "./evaluate.ts";
export { type ExecInput, type ExecResult, execContract } from "./exec-command.ts";
export { cachingFileSystem, type FileSystemView, type FoundExecutable, SYSTEM_EXECUTABLE_DIRS } from "./executable.ts";
export { type ExecuteOptions, execute } from "./executor.ts";
export { contractSha256, policySha256 } from "./hash.ts";
export { inlineCodeForm, stdinProgram } from "./inline-code.ts";
export { isUnder, normalisePath, scopePath } from "./paths.ts";
export type {
  CommandOutcome,
  CommandPlan,
  CommandStatus,
  ExecutionMode,
  ExecutionOutcome,
  ResourceLimits,
  SegmentOutcome,
} from "./plan.ts";
export {
  loadPolicy,
  POLICY_MAX_BYTES,
  type Policy,
  PolicySchema,
  parsePolicy,
  type TollgateSettings,
  type TrustedApprover,
} from "./policy.ts";
export { hardenedPreflight, type PreflightInputs, type PreflightResult } from "./preflight.ts";
export { CSC_REASON_CODES, REASON_CODES, type ReasonCode, TOLLGATE_REASON_CODES } from "./reason-codes.ts";
export { EFFECT_TYPES, type EffectType } from "./schema.ts";
export { type ResolvedSecrets, resolveSecrets, type SecretSource } from "./secrets.ts";
export { parseStrictJson } from "./strict-json.ts";
export { parseStrictYaml } from "./strict-yaml.ts";
