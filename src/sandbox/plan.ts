/**
 * What the executor runs: a command after its contract was loaded, checked by
 * the policy and resolved. The policy side (contract -> plan) and the
 * execution side (plan -> outcome) meet here and nowhere else.
 */
import type { CapturedStream } from "../core/index.ts";

export type ExecutionMode = "local" | "hardened";

/** Resource limits applied to every process of a command (setrlimit semantics). */
export interface ResourceLimits {
  cpuSeconds: number;
  addressSpaceBytes: number;
  openFiles: number;
  processes: number;
  fileSizeBytes: number;
}

export interface CommandPlan {
  /** The contract's command id. */
  id: string;
  /**
   * One argv for `exec`, two or more for a pipeline (stdout of each segment
   * feeds stdin of the next). argv[0] of each is the absolute, resolved
   * executable the policy evaluated: that exact file is what runs.
   */
  segments: string[][];
  /** Absolute, normalised, symlinks resolved. */
  cwd: string;
  /** Absolute, normalised folders or files (a trailing `/**` already removed). */
  readPaths: string[];
  writePaths: string[];
  /** `allowlisted` never reaches a plan: it is refused until a real egress allowlist exists. */
  network: "deny" | "full";
  /** The command's whole environment: allowlisted variables plus its resolved secrets. */
  env: Record<string, string>;
  /** Names in `env` whose values are secrets: never logged, never in a receipt or error. */
  secretNames: string[];
  timeoutMs: number;
  limits: ResourceLimits;
}

export interface ExecutedFile {
  path: string;
  sha256: string;
}

interface SegmentOutcome {
  executable: ExecutedFile;
  exitCode: number | null;
  signal: string | null;
}

type CommandStatus = "success" | "failed" | "timed_out" | "sandbox_error";

export interface CommandOutcome {
  id: string;
  status: CommandStatus;
  /** The first non-zero exit code among the segments, else 0 (pipefail: a pipeline fails when any segment does). */
  exitCode: number | null;
  segments: SegmentOutcome[];
  /** stdout of the last segment; stderr of all segments, in order. */
  stdout: CapturedStream;
  stderr: CapturedStream;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Why the sandbox could not run the command (status `sandbox_error`), in words a model can act on. */
  sandboxError?: string;
}

export interface ExecutionOutcome {
  mode: ExecutionMode;
  /** SHA-256 (hex) of the exact launcher arguments of every command, in order: what the sandbox was. */
  sandboxProfileSha256: string;
  commands: CommandOutcome[];
}
