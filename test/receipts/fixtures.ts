/** Shared test data: a signing key in a throwaway folder, a sample receipt and extension. */
import { join } from "node:path";
import {
  buildReceipt,
  generateKey,
  loadSigningKey,
  loadVerificationKeys,
  type ReceiptExtension,
  type ReceiptFacts,
  type SigningKey,
} from "../../src/receipts/index.ts";
import { tempDir } from "../helpers.ts";

export const HASH_A = "a".repeat(64);
export const HASH_B = "b".repeat(64);
const HASH_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface TestKey {
  dir: string;
  signing: SigningKey;
  trusted: Map<string, CryptoKey>;
  publicJwk: Record<string, unknown>;
}

/** A fresh Ed25519 key in its own keys folder. */
export async function testKey(name = "test"): Promise<TestKey> {
  const dir = join(tempDir("tollgate-keys-"), "keys");
  const record = await generateKey(dir, name, new Date("2026-06-01T12:00:00.000Z"));
  return {
    dir,
    signing: await loadSigningKey(record.kid, dir),
    trusted: await loadVerificationKeys(record.kid, dir),
    publicJwk: record.jwk,
  };
}

export function sampleExtension(overrides: Partial<ReceiptExtension> = {}): ReceiptExtension {
  return {
    version: "tollgate.receipt.v1",
    execution_id: "exe_01JTESTEXECUTION0000000000",
    tollgate_version: "0.1.0",
    execution_mode: "hardened",
    policy_sha256: HASH_B,
    sandbox_profile_sha256: "c".repeat(64),
    approval_ids: ["apr_0123456789ABCDEFGHJKMNPQRS"],
    commands: [
      {
        id: "cmd_1",
        status: "success",
        executables: [{ path: "/usr/bin/git", sha256: "d".repeat(64) }],
        exit_code: 0,
        signal: null,
        stdout: {
          sha256: `sha256:${"1".repeat(64)}`,
          total_bytes: 2_000_000,
          captured_bytes: 1_048_576,
          truncated: true,
        },
        stderr: { sha256: `sha256:${HASH_EMPTY}`, total_bytes: 0, captured_bytes: 0, truncated: false },
        started_at: "2026-06-01T12:00:00.000Z",
        ended_at: "2026-06-01T12:00:01.250Z",
        duration_ms: 1250,
      },
      {
        id: "cmd_2",
        status: "failed",
        executables: [
          { path: "/usr/bin/grep", sha256: "e".repeat(64) },
          { path: "/usr/bin/wc", sha256: "f".repeat(64) },
        ],
        exit_code: 2,
        signal: null,
        stdout: { sha256: `sha256:${"2".repeat(64)}`, total_bytes: 10, captured_bytes: 10, truncated: false },
        stderr: { sha256: `sha256:${"3".repeat(64)}`, total_bytes: 5, captured_bytes: 5, truncated: false },
        started_at: "2026-06-01T12:00:01.300Z",
        ended_at: "2026-06-01T12:00:01.400Z",
        duration_ms: 100,
      },
      { id: "cmd_3", status: "not_run" },
    ],
    ...overrides,
  };
}

export function sampleFacts(overrides: Partial<ReceiptFacts> = {}): ReceiptFacts {
  return {
    contract_id: "contract_git_status_001",
    contract_sha256: HASH_A,
    status: "failed",
    started_at: "2026-06-01T12:00:00.000Z",
    ended_at: "2026-06-01T12:00:01.400Z",
    policy_profile: "dev-readonly",
    policy_schema_version: "csc.policy.v0.1",
    effect_summary: { files_written: 0, network_used: false, secrets_used: 0 },
    error: "cmd_2 exited with status 2",
    ...overrides,
  };
}

export function sampleReceipt() {
  const extension = sampleExtension();
  return { receipt: buildReceipt(sampleFacts(), extension), extension };
}
