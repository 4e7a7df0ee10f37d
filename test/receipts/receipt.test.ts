import { describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CompactSign, compactVerify } from "jose";
import * as v from "valibot";
import {
  buildReceipt,
  createApproval,
  type ExecutedCommand,
  ExecutionReceiptSchema,
  RECEIPT_TYP,
  signReceipt,
  VerificationError,
  verifyReceipt,
} from "../../src/receipts/index.ts";
import { PROJECT_ROOT } from "../helpers.ts";
import { HASH_A, HASH_B, sampleExtension, sampleFacts, sampleReceipt, type TestKey, testKey } from "./fixtures.ts";

const alice = await testKey("alice");
const bob = await testKey("bob");
const { receipt, extension } = sampleReceipt();
const signed = await signReceipt(receipt, extension, alice.signing);

const b64 = (value: unknown) =>
  Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const unb64 = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
const parts = (jws: string) => jws.split(".") as [string, string, string];

/** The reason code verifyReceipt fails with, or "VALID". */
async function reasonOf(jws: string, keys: Map<string, CryptoKey> = alice.trusted, expect = {}): Promise<string> {
  try {
    await verifyReceipt(jws, keys, expect);
    return "VALID";
  } catch (error) {
    if (error instanceof VerificationError) return error.code;
    throw error;
  }
}

/** A JWS signed by `key` over exactly these header and payload bytes. */
async function handSigned(header: Record<string, unknown>, payload: unknown, key: TestKey = alice): Promise<string> {
  const bytes =
    typeof payload === "string" ? new TextEncoder().encode(payload) : new TextEncoder().encode(JSON.stringify(payload));
  return new CompactSign(bytes).setProtectedHeader(header as { alg: string }).sign(key.signing.privateKey);
}

const receiptHeader = (overrides: Record<string, unknown> = {}) => ({
  alg: "EdDSA",
  typ: RECEIPT_TYP,
  kid: alice.signing.kid,
  tollgate: extension,
  ...overrides,
});

/** A different value of the same JSON type. */
function changed(value: unknown): unknown {
  if (typeof value === "string") return `${value}x`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  if (value === null) return "x";
  if (Array.isArray(value)) return [...value, "x"];
  return { ...(value as object), extra: 1 };
}

describe("sign and verify", () => {
  test("round trip: the receipt, the extension and the signer come back", async () => {
    const verified = await verifyReceipt(signed, alice.trusted);
    expect(verified).toEqual({
      receipt: { ...receipt, signing_key_id: alice.signing.kid },
      extension,
      kid: alice.signing.kid,
    });
  });

  test("layout: EdDSA, typ and kid in the protected header, the extension under `tollgate`, a CSC receipt as payload", () => {
    const [header, payload] = parts(signed);
    expect(unb64(header)).toEqual({
      alg: "EdDSA",
      typ: "csc-receipt+jws",
      kid: alice.signing.kid,
      tollgate: extension,
    });
    const document = unb64(payload);
    expect(v.safeParse(ExecutionReceiptSchema, document).success).toBe(true);
    expect(document.signing_key_id).toBe(alice.signing.kid);
    expect(document.execution_id).toBe(extension.execution_id);
  });

  test("derived fields: the last executed command's outcome, completed and failed ids, sandbox profile", () => {
    expect(receipt).toMatchObject({
      exit_code: 2,
      stdout_hash: `sha256:${"2".repeat(64)}`,
      stderr_hash: `sha256:${"3".repeat(64)}`,
      stdout_truncated: false,
      completed_command_ids: ["cmd_1"],
      failed_command_id: "cmd_2",
      policy_sha256: HASH_B,
      runner_version: "0.1.0",
      execution_mode: "hardened",
      sandbox_profile_id: `sha256:${"c".repeat(64)}`,
    });
  });

  test("a command killed by a signal: top-level exit code is 128 + the signal number", () => {
    const first = sampleExtension().commands[0] as ExecutedCommand;
    const killed: ExecutedCommand = { ...first, status: "timed_out", exit_code: null, signal: "SIGKILL" };
    const derived = buildReceipt(sampleFacts(), sampleExtension({ commands: [killed] }));
    expect(derived.exit_code).toBe(137);
    expect(derived.failed_command_id).toBe("cmd_1");
  });

  test("interoperates with jose: jose verifies what tollgate signs, tollgate verifies what jose signs", async () => {
    const key = alice.trusted.get(alice.signing.kid) as CryptoKey;
    const { protectedHeader } = await compactVerify(signed, key, { algorithms: ["EdDSA"] });
    expect(protectedHeader.typ).toBe(RECEIPT_TYP);
    expect(await reasonOf(await handSigned(receiptHeader(), receiptWithKid()))).toBe("VALID");
  });

  test("RFC 9864's alg Ed25519 verifies too", async () => {
    expect(await reasonOf(await handSigned(receiptHeader({ alg: "Ed25519" }), receiptWithKid()))).toBe("VALID");
  });

  test("signReceipt refuses a receipt that disagrees with its extension or its schema", async () => {
    await expect(signReceipt({ ...receipt, exit_code: 0 }, extension, alice.signing)).rejects.toThrow(
      /inconsistent.*exit_code/,
    );
    await expect(signReceipt({ ...receipt, status: "success" }, extension, alice.signing)).rejects.toThrow(
      /status success/,
    );
    await expect(signReceipt({ ...receipt, contract_sha256: "xyz" }, extension, alice.signing)).rejects.toThrow(
      /invalid receipt: receipt.contract_sha256/,
    );
  });

  test("an invalid receipt cannot reach a signature: buildReceipt refuses it, and a built one changed since is checked again", async () => {
    expect(() => buildReceipt(sampleFacts({ contract_sha256: "xyz" }), sampleExtension())).toThrow(
      /refusing to build an invalid receipt: receipt.contract_sha256/,
    );
    expect(() => buildReceipt(sampleFacts(), sampleExtension({ approval_ids: ["twice", "twice"] }))).toThrow(
      /refusing to build an invalid receipt: extension.approval_ids/,
    );
    expect(() => buildReceipt(sampleFacts({ status: "success" }), sampleExtension())).toThrow(
      /refusing to build an inconsistent receipt: status success/,
    );
    const changedReceipt = sampleReceipt();
    (changedReceipt.receipt as { contract_sha256: string }).contract_sha256 = "xyz";
    await expect(signReceipt(changedReceipt.receipt, changedReceipt.extension, alice.signing)).rejects.toThrow(
      /invalid receipt: receipt.contract_sha256/,
    );
    const changedExtension = sampleReceipt();
    changedExtension.extension.approval_ids.push(...changedExtension.extension.approval_ids, "x");
    await expect(signReceipt(changedExtension.receipt, changedExtension.extension, alice.signing)).rejects.toThrow(
      /invalid receipt: extension.approval_ids/,
    );
    const built = sampleReceipt();
    await expect(
      signReceipt(built.receipt, sampleExtension({ approval_ids: ["twice", "twice"] }), alice.signing),
    ).rejects.toThrow(/invalid receipt: extension.approval_ids/);
    await expect(signReceipt(built.receipt, built.extension, { ...alice.signing, kid: "" })).rejects.toThrow(/no kid/);
    const verified = await verifyReceipt(
      await signReceipt(built.receipt, built.extension, alice.signing),
      alice.trusted,
    );
    expect(verified.receipt).toEqual({ ...built.receipt, signing_key_id: alice.signing.kid });
    expect(verified.extension).toEqual(built.extension);
  });
});

function receiptWithKid() {
  return { ...receipt, signing_key_id: alice.signing.kid };
}

describe("tampering", () => {
  const [header, payload, signature] = parts(signed);
  const document = unb64(payload) as Record<string, unknown>;

  test("every payload field changed without re-signing: SIGNATURE_INVALID", async () => {
    const fields = Object.keys(document);
    expect(fields.length).toBeGreaterThanOrEqual(20);
    for (const field of fields) {
      const tampered = `${header}.${b64({ ...document, [field]: changed(document[field]) })}.${signature}`;
      expect([field, await reasonOf(tampered)]).toEqual([field, "SIGNATURE_INVALID"]);
    }
    const removed = Object.fromEntries(Object.entries(document).filter(([field]) => field !== "error"));
    expect(await reasonOf(`${header}.${b64(removed)}.${signature}`)).toBe("SIGNATURE_INVALID");
  });

  test("every field of the tollgate extension changed: SIGNATURE_INVALID", async () => {
    for (const field of Object.keys(extension)) {
      const value = extension[field as keyof typeof extension];
      const tampered = `${b64(receiptHeader({ tollgate: { ...extension, [field]: changed(value) } }))}.${payload}.${signature}`;
      expect([field, await reasonOf(tampered)]).toEqual([field, "SIGNATURE_INVALID"]);
    }
  });

  test("header: typ changed is TYP_MISMATCH, kid of another trusted key is SIGNATURE_INVALID, an unknown kid KID_UNKNOWN", async () => {
    const both = new Map([...alice.trusted, ...bob.trusted]);
    expect(await reasonOf(`${b64(receiptHeader({ typ: "JWT" }))}.${payload}.${signature}`)).toBe("TYP_MISMATCH");
    expect(await reasonOf(`${b64(receiptHeader({ kid: bob.signing.kid }))}.${payload}.${signature}`, both)).toBe(
      "SIGNATURE_INVALID",
    );
    expect(await reasonOf(`${b64(receiptHeader({ kid: "x".repeat(43) }))}.${payload}.${signature}`)).toBe(
      "KID_UNKNOWN",
    );
    const noKid = Object.fromEntries(Object.entries(receiptHeader()).filter(([name]) => name !== "kid"));
    expect(await reasonOf(`${b64(noKid)}.${payload}.${signature}`)).toBe("KID_UNKNOWN");
  });

  test("a header parameter tollgate does not write (jku, jwk, crit) is refused", async () => {
    for (const extra of [{ jku: "https://evil.example/jwks" }, { jwk: bob.publicJwk }, { crit: ["b64"], b64: false }]) {
      expect(await reasonOf(`${b64(receiptHeader(extra))}.${payload}.${signature}`)).toBe("MALFORMED_JWS");
    }
  });
});

describe("algorithms and keys", () => {
  test('alg "none" with an empty signature: ALG_NOT_ALLOWED', async () => {
    const token = `${b64(receiptHeader({ alg: "none" }))}.${b64(receiptWithKid())}.`;
    expect(await reasonOf(token)).toBe("ALG_NOT_ALLOWED");
  });

  test("HS256 keyed with the public key (raw bytes, JWK x, PEM): ALG_NOT_ALLOWED", async () => {
    const pem = readFileSync(join(alice.dir, `${alice.signing.kid}.pub.pem`));
    const x = alice.publicJwk.x as string;
    for (const secret of [Buffer.from(x, "base64url"), Buffer.from(x), pem]) {
      const input = `${b64(receiptHeader({ alg: "HS256" }))}.${b64(receiptWithKid())}`;
      const mac = createHmac("sha256", secret).update(input).digest("base64url");
      expect(await reasonOf(`${input}.${mac}`)).toBe("ALG_NOT_ALLOWED");
    }
  });

  test("RS256 and ES256 are not allowed either", async () => {
    for (const alg of ["RS256", "ES256", "PS256", "HS512"]) {
      expect(await reasonOf(`${b64(receiptHeader({ alg }))}.${b64(receiptWithKid())}.c2ln`)).toBe("ALG_NOT_ALLOWED");
    }
  });

  test("signed by a key not in the trusted set: KID_UNKNOWN", async () => {
    expect(await reasonOf(signed, bob.trusted)).toBe("KID_UNKNOWN");
    expect(await reasonOf(signed, new Map())).toBe("KID_UNKNOWN");
  });

  test("signed by key B, naming trusted key A: SIGNATURE_INVALID (the kid is a hint, not an authority)", async () => {
    const forged = await handSigned(receiptHeader({ kid: alice.signing.kid }), receiptWithKid(), bob);
    expect(await reasonOf(forged)).toBe("SIGNATURE_INVALID");
    expect(await reasonOf(forged, new Map([...alice.trusted, ...bob.trusted]))).toBe("SIGNATURE_INVALID");
  });

  test("a trusted entry that is not an Ed25519 public key never verifies, even the right signature", async () => {
    const kid = alice.signing.kid;
    const trustedAs = (key: CryptoKey) => new Map([[kid, key]]);
    expect(await reasonOf(signed, trustedAs(alice.signing.privateKey))).toBe("SIGNATURE_INVALID");
    const ecdsa = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ])) as CryptoKeyPair;
    expect(await reasonOf(signed, trustedAs(ecdsa.publicKey))).toBe("SIGNATURE_INVALID");
    expect(await reasonOf(signed, alice.trusted)).toBe("VALID");
  });
});

describe("malformed tokens", () => {
  const [header, payload, signature] = parts(signed);

  test("missing or extra parts: MALFORMED_JWS", async () => {
    expect(await reasonOf(`${header}.${payload}`)).toBe("MALFORMED_JWS");
    expect(await reasonOf(`${signed}.${signature}`)).toBe("MALFORMED_JWS");
    expect(await reasonOf(`${signed}..`)).toBe("MALFORMED_JWS");
    expect(await reasonOf("")).toBe("MALFORMED_JWS");
  });

  test("cut short anywhere, it never verifies; a shorter signature is SIGNATURE_INVALID", async () => {
    for (let cut = 1; cut < signed.length; cut += 7) {
      expect(["MALFORMED_JWS", "SIGNATURE_INVALID"]).toContain(await reasonOf(signed.slice(0, signed.length - cut)));
    }
    const shorter = Buffer.from(signature, "base64url").subarray(0, 48).toString("base64url");
    expect(await reasonOf(`${header}.${payload}.${shorter}`)).toBe("SIGNATURE_INVALID");
    expect(await reasonOf(`${header.slice(0, -5)}.${payload}.${signature}`)).toBe("MALFORMED_JWS");
  });

  test("a signature spelled in non-canonical base64url (same bytes): MALFORMED_JWS", async () => {
    const last = signature.at(-1) as string;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 86 characters carry 64 bytes and 4 spare bits; setting a spare bit keeps the bytes.
    const respelled = `${signature.slice(0, -1)}${alphabet[alphabet.indexOf(last) | 1]}`;
    expect(Buffer.from(respelled, "base64url")).toEqual(Buffer.from(signature, "base64url"));
    expect(respelled).not.toBe(signature);
    expect(await reasonOf(`${header}.${payload}.${respelled}`)).toBe("MALFORMED_JWS");
  });

  test("not base64url (standard base64 characters, padding, spaces): MALFORMED_JWS", async () => {
    for (const bad of [`${payload.slice(0, -1)}+`, `${payload}==`, `${payload.slice(0, 10)} ${payload.slice(10)}`]) {
      expect(await reasonOf(`${header}.${bad}.${signature}`)).toBe("MALFORMED_JWS");
    }
  });

  test("payload not JSON: SIGNATURE_INVALID when tampered, MALFORMED_JWS when signed", async () => {
    expect(await reasonOf(`${header}.${b64("not json")}.${signature}`)).toBe("SIGNATURE_INVALID");
    expect(await reasonOf(await handSigned(receiptHeader(), "not json"))).toBe("MALFORMED_JWS");
  });

  test("header not JSON: MALFORMED_JWS", async () => {
    expect(await reasonOf(`${b64("{alg")}.${payload}.${signature}`)).toBe("MALFORMED_JWS");
    expect(await reasonOf(`${b64([1, 2])}.${payload}.${signature}`)).toBe("MALFORMED_JWS");
  });
});

describe("documents, checked after the signature", () => {
  test("a signed payload that breaks the CSC schema: SCHEMA_INVALID naming the field", async () => {
    const jws = await handSigned(receiptHeader(), { ...receiptWithKid(), status: "crashed" });
    await expect(verifyReceipt(jws, alice.trusted)).rejects.toThrow("SCHEMA_INVALID: payload.status");
    const unknown = await handSigned(receiptHeader(), { ...receiptWithKid(), signature: "abc" });
    await expect(verifyReceipt(unknown, alice.trusted)).rejects.toThrow("SCHEMA_INVALID: payload.signature");
  });

  test("the same schema-invalid payload unsigned by a trusted key fails on the signature first", async () => {
    const jws = await handSigned(receiptHeader(), { ...receiptWithKid(), status: "crashed" }, bob);
    expect(await reasonOf(jws)).toBe("SIGNATURE_INVALID");
  });

  test("a signed header whose extension is missing or invalid: SCHEMA_INVALID naming the field", async () => {
    const missing = Object.fromEntries(Object.entries(receiptHeader()).filter(([name]) => name !== "tollgate"));
    await expect(verifyReceipt(await handSigned(missing, receiptWithKid()), alice.trusted)).rejects.toThrow(
      "SCHEMA_INVALID: header.tollgate",
    );
    const bad = receiptHeader({ tollgate: { ...extension, commands: [{ id: "cmd_1", status: "success" }] } });
    await expect(verifyReceipt(await handSigned(bad, receiptWithKid()), alice.trusted)).rejects.toThrow(
      "SCHEMA_INVALID: header.tollgate.commands.0",
    );
  });

  test("payload and extension disagree, or the payload names another signer: RECEIPT_INCONSISTENT", async () => {
    expect(await reasonOf(await handSigned(receiptHeader(), { ...receiptWithKid(), exit_code: 0 }))).toBe(
      "RECEIPT_INCONSISTENT",
    );
    expect(await reasonOf(await handSigned(receiptHeader(), { ...receipt, signing_key_id: bob.signing.kid }))).toBe(
      "RECEIPT_INCONSISTENT",
    );
    expect(await reasonOf(await handSigned(receiptHeader(), { ...receiptWithKid(), status: "success" }))).toBe(
      "RECEIPT_INCONSISTENT",
    );
  });

  test("an approval presented as a receipt: TYP_MISMATCH", async () => {
    const { jws } = await createApproval(
      { contractSha256: HASH_A, identity: "alice", scope: "single_execution", now: new Date(), expiresInMs: 60_000 },
      alice.signing,
    );
    expect(await reasonOf(jws)).toBe("TYP_MISMATCH");
  });

  test("contract and policy hashes: a match passes (any case), a mismatch names the reason", async () => {
    expect(await reasonOf(signed, alice.trusted, { contractSha256: HASH_A.toUpperCase(), policySha256: HASH_B })).toBe(
      "VALID",
    );
    expect(await reasonOf(signed, alice.trusted, { contractSha256: HASH_B })).toBe("CONTRACT_HASH_MISMATCH");
    expect(await reasonOf(signed, alice.trusted, { policySha256: HASH_A })).toBe("POLICY_HASH_MISMATCH");
  });
});

describe("CSC receipt conformance fixtures", () => {
  const load = (name: string) =>
    JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "receipts", name), "utf8")) as {
      id: string;
      input: unknown;
    }[];
  /** The field each invalid fixture is about. */
  const FIELD: Record<string, string> = {
    "receipt-invalid-missing-version-001": "receipt_version",
    "receipt-invalid-wrong-version-002": "receipt_version",
    "receipt-invalid-bad-status-003": "status",
    "receipt-invalid-bad-contract-sha256-004": "contract_sha256",
    "receipt-invalid-bad-execution-mode-005": "execution_mode",
    "receipt-invalid-bad-stdout-hash-006": "stdout_hash",
    "receipt-invalid-bad-policy-sha256-007": "policy_sha256",
    "receipt-invalid-missing-contract-id-008": "contract_id",
    "receipt-invalid-unknown-field-009": "totally_bogus_field",
  };

  test.each(load("valid.json"))("$id loads", ({ input }) => {
    expect(v.safeParse(ExecutionReceiptSchema, input).issues).toBeUndefined();
  });

  test.each(load("invalid.json"))("$id is rejected, naming the field", ({ id, input }) => {
    const result = v.safeParse(ExecutionReceiptSchema, input);
    expect(result.success).toBe(false);
    expect(result.issues?.map((issue) => v.getDotPath(issue))).toContain(FIELD[id] as string);
  });

  test("every invalid fixture has its field listed", () => {
    expect(load("invalid.json").map((fixture) => fixture.id)).toEqual(Object.keys(FIELD));
  });

  test("status success or failed without exit_code or hashes is rejected, naming each", () => {
    const { input } = load("valid.json")[0] as { input: Record<string, unknown> };
    for (const field of ["exit_code", "stdout_hash", "stderr_hash"]) {
      const result = v.safeParse(ExecutionReceiptSchema, { ...input, [field]: undefined });
      expect(result.issues?.map((issue) => v.getDotPath(issue))).toEqual([field]);
    }
    expect(v.safeParse(ExecutionReceiptSchema, { ...input, status: "blocked", exit_code: undefined }).success).toBe(
      true,
    );
  });
});
