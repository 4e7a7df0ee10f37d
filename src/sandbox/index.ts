/** The sandbox module as other modules see it. */
export { sandboxChecks } from "./checks.ts";
export { CONTRACT_MAX_BYTES, type CommandContract, loadContract, parseContract } from "./contract.ts";
export { parsePolicyDecision } from "./decision.ts";
export { type EvaluateOptions, evaluate, matchesDenyPrefix } from "./evaluate.ts";
export { cachingFileSystem, type FileSystemView } from "./executable.ts";
export { execute } from "./executor.ts";
export { contractSha256, policySha256 } from "./hash.ts";
export { inlineCodeForm, stdinProgram } from "./inline-code.ts";
export { isUnder, normalisePath, scopePath } from "./paths.ts";
export type { CommandPlan } from "./plan.ts";
export { loadPolicy, POLICY_MAX_BYTES, type Policy, parsePolicy } from "./policy.ts";
export { REASON_CODES, type ReasonCode } from "./reason-codes.ts";
export { parseStrictJson } from "./strict-json.ts";
export { parseStrictYaml } from "./strict-yaml.ts";
