import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import type { UserError } from "../../src/core/index.ts";
import {
  APPROVAL_TYP,
  type ApprovalCheck,
  type ApprovalCheckOptions,
  ApprovalSchema,
  checkApprovals,
  createApproval,
  openReplayStore,
  parseApprovalDuration,
  replayStorePath,
  signReceipt,
  type TrustedApprover,
  verifyApprovals,
} from "../../src/receipts/index.ts";
import { signJws } from "../../src/receipts/jws.ts";
import { tempDir } from "../helpers.ts";
import { HASH_A, HASH_B, sampleReceipt, type TestKey, testKey } from "./fixtures.ts";

const alice = await testKey("alice");
const bob = await testKey("bob");
const mallory = await testKey("mallory");
const T0 = new Date("2026-06-01T12:00:00.000Z");
const HOUR = 3_600_000;

const trustedApprovers: TrustedApprover[] = [
  { identity: "alice@example.com", jwk: alice.publicJwk },
  { identity: "bob@example.com", jwk: bob.publicJwk },
];

async function approval(
  key: TestKey,
  identity: string,
  options: { scope?: "single_execution" | "time_window"; contract?: string; now?: Date } = {},
): Promise<string> {
  const request = {
    contractSha256: options.contract ?? HASH_A,
    identity,
    scope: options.scope ?? "single_execution",
    now: options.now ?? T0,
    expiresInMs: HOUR,
  };
  return (await createApproval(request, key.signing)).jws;
}

const byAlice = (options?: Parameters<typeof approval>[2]) => approval(alice, "alice@example.com", options);
const byBob = (options?: Parameters<typeof approval>[2]) => approval(bob, "bob@example.com", options);

function check(jwsList: string[], options: Partial<ApprovalCheckOptions> = {}): Promise<ApprovalCheck> {
  return checkApprovals(jwsList, {
    contractSha256: HASH_A,
    trustedApprovers,
    now: new Date(T0.getTime() + 1000),
    mode: "human_required",
    ...options,
  });
}

function idOf(jws: string): string {
  return JSON.parse(Buffer.from(jws.split(".")[1] as string, "base64url").toString()).approval_id;
}

/** The reason codes of a failed check, or ["OK"]. */
function reasons(result: ApprovalCheck): string[] {
  return result.ok ? ["OK"] : result.failures.map((failure) => failure.reason);
}

describe("createApproval", () => {
  test("a CSC ApprovalArtifact signed as csc-approval+jws by the approver's key", async () => {
    const { approval: artifact, jws } = await createApproval(
      {
        contractSha256: HASH_A,
        identity: "alice@example.com",
        scope: "time_window",
        now: T0,
        expiresInMs: HOUR,
        ticketId: "CHG-42",
        reason: "release",
      },
      alice.signing,
    );
    expect(v.safeParse(ApprovalSchema, artifact).success).toBe(true);
    expect(artifact).toMatchObject({
      approval_version: "csc.approval.v0.1",
      contract_sha256: HASH_A,
      approver: { identity: "alice@example.com", method: "cli" },
      approved_at: "2026-06-01T12:00:00.000Z",
      expires_at: "2026-06-01T13:00:00.000Z",
      scope: "time_window",
      ticket_id: "CHG-42",
      reason: "release",
    });
    expect(artifact.approval_id).toMatch(/^apr_[0-9A-HJKMNP-TV-Z]{26}$/);
    const header = JSON.parse(Buffer.from(jws.split(".")[0] as string, "base64url").toString());
    expect(header).toEqual({ alg: "EdDSA", typ: APPROVAL_TYP, kid: alice.signing.kid });
  });

  test("approval ids are unique", async () => {
    const jwsList = await Promise.all(Array.from({ length: 50 }, () => byAlice()));
    expect(new Set(jwsList.map(idOf)).size).toBe(50);
  });
});

describe("checkApprovals", () => {
  test("a trusted approver's approval of this contract passes", async () => {
    const result = await check([await byAlice()]);
    expect(reasons(result)).toEqual(["OK"]);
  });

  test("expiry is exclusive: one ms before expires_at passes, at expires_at it has expired", async () => {
    const jws = await byAlice();
    const expiresAt = T0.getTime() + HOUR;
    expect(reasons(await check([jws], { now: new Date(expiresAt - 1) }))).toEqual(["OK"]);
    expect(reasons(await check([jws], { now: new Date(expiresAt) }))).toEqual(["APPROVAL_EXPIRED"]);
    expect(reasons(await check([jws], { now: new Date(expiresAt + 1) }))).toEqual(["APPROVAL_EXPIRED"]);
  });

  test("approved_at may lie up to the skew (default 60 s) ahead of now, not more", async () => {
    const jws = await byAlice();
    expect(reasons(await check([jws], { now: new Date(T0.getTime() - 60_000) }))).toEqual(["OK"]);
    expect(reasons(await check([jws], { now: new Date(T0.getTime() - 60_001) }))).toEqual(["APPROVAL_NOT_YET_VALID"]);
    expect(reasons(await check([jws], { now: new Date(T0.getTime() - 5000), skewSeconds: 0 }))).toEqual([
      "APPROVAL_NOT_YET_VALID",
    ]);
  });

  test("bound to the contract hash", async () => {
    expect(reasons(await check([await byAlice({ contract: HASH_B })]))).toEqual(["CONTRACT_HASH_MISMATCH"]);
    expect(reasons(await check([await byAlice()], { contractSha256: HASH_B }))).toEqual(["CONTRACT_HASH_MISMATCH"]);
  });

  test("signed by a key no trusted approver holds: APPROVER_UNTRUSTED", async () => {
    expect(reasons(await check([await approval(mallory, "alice@example.com")]))).toEqual(["APPROVER_UNTRUSTED"]);
  });

  test("an identity signed with another approver's key: APPROVER_IDENTITY_MISMATCH", async () => {
    expect(reasons(await check([await approval(bob, "alice@example.com")]))).toEqual(["APPROVER_IDENTITY_MISMATCH"]);
  });

  test("tampered, not an approval, or a receipt posing as one", async () => {
    const [header, payload, signature] = (await byAlice()).split(".") as [string, string, string];
    const document = JSON.parse(Buffer.from(payload, "base64url").toString());
    const extended = Buffer.from(JSON.stringify({ ...document, expires_at: "2027-01-01T00:00:00.000Z" })).toString(
      "base64url",
    );
    expect(reasons(await check([`${header}.${extended}.${signature}`]))).toEqual(["SIGNATURE_INVALID"]);
    expect(reasons(await check(["not.a.jws.at-all"]))).toEqual(["MALFORMED_JWS"]);
    const { receipt, extension } = sampleReceipt();
    expect(reasons(await check([await signReceipt(receipt, extension, alice.signing)]))).toEqual(["TYP_MISMATCH"]);
    const junk = await signJws({ approval_version: "csc.approval.v0.1" }, APPROVAL_TYP, alice.signing);
    expect(reasons(await check([junk]))).toEqual(["SCHEMA_INVALID"]);
  });

  test("a window that ends before it starts or lasts more than 30 days: APPROVAL_WINDOW_INVALID", async () => {
    const base = JSON.parse(Buffer.from((await byAlice()).split(".")[1] as string, "base64url").toString());
    for (const expires_at of ["2026-06-01T11:00:00.000Z", "2026-07-01T12:00:00.001Z"]) {
      const jws = await signJws({ ...base, expires_at }, APPROVAL_TYP, alice.signing);
      expect(reasons(await check([jws]))).toEqual(["APPROVAL_WINDOW_INVALID"]);
    }
  });

  test("every approval given must pass; each failure is reported with its position", async () => {
    const result = await check([await byAlice(), await approval(mallory, "m"), await byBob({ contract: HASH_B })]);
    expect(result.ok ? [] : result.failures.map((failure) => [failure.index, failure.reason])).toEqual([
      [1, "APPROVER_UNTRUSTED"],
      [2, "CONTRACT_HASH_MISMATCH"],
    ]);
  });

  test("none given: APPROVAL_MISSING; the same approval twice: APPROVAL_DUPLICATE", async () => {
    expect(reasons(await check([]))).toEqual(["APPROVAL_MISSING"]);
    const jws = await byAlice();
    expect(reasons(await check([jws, jws]))).toEqual(["APPROVAL_DUPLICATE"]);
  });
});

describe("dual control", () => {
  const dual = { mode: "dual_control_required" } as const;

  test("two distinct trusted approvers pass", async () => {
    expect(reasons(await check([await byAlice(), await byBob()], dual))).toEqual(["OK"]);
  });

  test("one approval, or one approver twice, does not", async () => {
    expect(reasons(await check([await byAlice()], dual))).toEqual(["APPROVAL_MISSING"]);
    expect(reasons(await check([await byAlice(), await byAlice()], dual))).toEqual(["DUAL_CONTROL_UNMET"]);
  });

  test("one key under two trusted identities does not count twice", async () => {
    const shared = [...trustedApprovers, { identity: "alice-alt@example.com", jwk: alice.publicJwk }];
    const both = [await byAlice(), await approval(alice, "alice-alt@example.com")];
    expect(reasons(await check(both, { ...dual, trustedApprovers: shared }))).toEqual(["DUAL_CONTROL_UNMET"]);
  });
});

describe("verifyApprovals: consumption", () => {
  const options = async () => ({
    contractSha256: HASH_A,
    trustedApprovers,
    now: new Date(T0.getTime() + 1000),
    mode: "human_required" as const,
    store: await openReplayStore(replayStorePath(tempDir())),
    executionId: "exe_1",
  });

  test("a single_execution approval works once; the second use is APPROVAL_REPLAYED", async () => {
    const opts = await options();
    const jws = await byAlice();
    const first = await verifyApprovals([jws], opts);
    expect(first.ok && first.approvalIds).toEqual([idOf(jws)]);
    expect(reasons(await verifyApprovals([jws], { ...opts, executionId: "exe_2" }))).toEqual(["APPROVAL_REPLAYED"]);
  });

  test("a time_window approval is reusable until it expires, and never consumed", async () => {
    const opts = await options();
    const jws = await byAlice({ scope: "time_window" });
    expect(reasons(await verifyApprovals([jws], opts))).toEqual(["OK"]);
    expect(reasons(await verifyApprovals([jws], opts))).toEqual(["OK"]);
    expect(opts.store.isConsumed(idOf(jws))).toBe(false);
    expect(reasons(await verifyApprovals([jws], { ...opts, now: new Date(T0.getTime() + HOUR) }))).toEqual([
      "APPROVAL_EXPIRED",
    ]);
  });

  test("dual control consumes both or neither", async () => {
    const opts = { ...(await options()), mode: "dual_control_required" as const };
    const [a1, b1] = [await byAlice(), await byBob()];
    expect(reasons(await verifyApprovals([a1], { ...opts, mode: "human_required" }))).toEqual(["OK"]);
    expect(reasons(await verifyApprovals([b1, a1], opts))).toEqual(["APPROVAL_REPLAYED"]);
    expect(opts.store.isConsumed(idOf(b1))).toBe(false);
    expect(reasons(await verifyApprovals([b1, await byAlice()], opts))).toEqual(["OK"]);
  });

  test("a failed check consumes nothing", async () => {
    const opts = await options();
    const jws = await byAlice();
    expect(reasons(await verifyApprovals([jws], { ...opts, contractSha256: HASH_B }))).toEqual([
      "CONTRACT_HASH_MISMATCH",
    ]);
    expect(reasons(await verifyApprovals([jws], opts))).toEqual(["OK"]);
  });
});

describe("parseApprovalDuration", () => {
  test("whole numbers with s, m, h or d, up to 30 days", () => {
    expect(parseApprovalDuration("30m")).toBe(30 * 60_000);
    expect(parseApprovalDuration("1h")).toBe(HOUR);
    expect(parseApprovalDuration("2d")).toBe(48 * HOUR);
    expect(parseApprovalDuration("90s")).toBe(90_000);
    expect(parseApprovalDuration("30d")).toBe(30 * 24 * HOUR);
    expect(parseApprovalDuration("720h")).toBe(30 * 24 * HOUR);
  });

  test("zero, more than 30 days, and anything else are usage errors", () => {
    for (const bad of ["0m", "0d", "31d", "721h", "1w", "", "h", "-1h", "1.5h", "1 h", "1H", "10"]) {
      let code = "none";
      try {
        parseApprovalDuration(bad);
      } catch (error) {
        code = (error as UserError).code;
      }
      expect([bad, code]).toEqual([bad, "BAD_DURATION"]);
    }
  });
});
