/**
 * Reason codes: the stable API of a decision. The CSC codes keep their CSC
 * meaning; tollgate's own codes cover what it checks beyond CSC.
 */
const CSC_REASON_CODES = [
  "ALLOW",
  "RISK_CLASS_NOT_ALLOWED",
  "COMMAND_NOT_ALLOWED",
  "ARGV_PREFIX_DENIED",
  "EFFECT_TYPE_NOT_ALLOWED",
  "APPROVAL_REQUIRED",
  "TIMEOUT_EXCEEDS_POLICY",
  "NETWORK_EXCEEDS_POLICY",
  "SECRET_REF_NOT_ALLOWED",
  "PATH_NOT_ABSOLUTE",
  "CWD_NOT_ALLOWED",
  "READ_SCOPE_DENIED",
  "WRITE_SCOPE_DENIED",
  "WRITE_PATHS_NOT_EMPTY",
  "EFFECT_RECLASSIFIED",
] as const;

/** tollgate's codes, each with what it means. */
const TOLLGATE_REASON_CODES = {
  INLINE_CODE_DENIED:
    "a command runs program text given on its command line (python3 -c, sh -c, node -e, find -exec...)",
  PIPELINE_STDIN_PROGRAM: "a pipeline segment feeds data to an interpreter that runs it as a program (curl ... | sh)",
  ENV_NOT_ALLOWED: "env_allow names a variable the policy's tollgate.allowed_env does not list",
  EXECUTABLE_NOT_FOUND: "argv[0] is not an executable regular file on the PATH or at its absolute path",
  EXECUTABLE_NOT_TRUSTED:
    "argv[0] lies outside the trusted program folders, is a relative path, or lies inside a path the contract may write",
  PATH_GLOB_UNSUPPORTED: "a path holds glob characters other than a trailing /**",
  NETWORK_ALLOWLIST_UNSUPPORTED: "network: allowlisted is refused until tollgate enforces an egress allowlist",
  TOLLGATE_STATE_PROTECTED: "a cwd, read or write path covers tollgate's own configuration and keys folder",
} as const;

export type ReasonCode = (typeof CSC_REASON_CODES)[number] | keyof typeof TOLLGATE_REASON_CODES;

export const REASON_CODES: readonly ReasonCode[] = [
  ...CSC_REASON_CODES,
  ...(Object.keys(TOLLGATE_REASON_CODES) as (keyof typeof TOLLGATE_REASON_CODES)[]),
];

/** Codes that never deny by themselves: the rest deny, and deny beats needs_approval. */
export const NON_DENYING_CODES: ReadonlySet<ReasonCode> = new Set([
  "ALLOW",
  "APPROVAL_REQUIRED",
  "EFFECT_RECLASSIFIED",
]);
