import { describe, expect, test } from "bun:test";
import {
  buildReceipt,
  IN_TOTO_PAYLOAD_TYPE,
  pae,
  RECEIPT_PREDICATE_TYPE,
  receiptStatement,
  signDsse,
  signReceipt,
  verifyReceipt,
} from "../../src/receipts/index.ts";
import { HASH_A, sampleExtension, sampleFacts, testKey } from "./fixtures.ts";

describe("in-toto export", () => {
  test("PAE is DSSEv1, then byte lengths and values separated by spaces (the spec's example)", () => {
    const encoded = new TextDecoder().decode(
      pae("http://example.com/HelloWorld", new TextEncoder().encode("hello world")),
    );
    expect(encoded).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
    expect(pae("t", new TextEncoder().encode("é")).length).toBe("DSSEv1 1 t 2 ".length + 2);
  });

  test("a DSSE envelope of an in-toto Statement v1 whose signature verifies over the recomputed PAE", async () => {
    const key = await testKey();
    const extension = sampleExtension();
    const artifacts = [{ path: "/workspace/out/report.json", sha256: "F".repeat(64) }];
    const jws = await signReceipt(buildReceipt(sampleFacts({ artifacts }), extension), extension, key.signing);
    const verified = await verifyReceipt(jws, key.trusted);
    const envelope = await signDsse(receiptStatement(verified, jws), key.signing);

    expect(envelope.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE);
    expect(envelope.signatures.map((signature) => signature.keyid)).toEqual([key.signing.kid]);
    const body = Buffer.from(envelope.payload, "base64");
    const signature = Buffer.from(envelope.signatures[0]?.sig as string, "base64");
    const publicKey = key.trusted.get(key.signing.kid) as CryptoKey;
    const check = (bytes: Uint8Array) =>
      crypto.subtle.verify({ name: "Ed25519" }, publicKey, signature, pae(envelope.payloadType, bytes));
    expect(await check(body)).toBe(true);
    const tampered = Buffer.from(body);
    tampered[10] = (tampered[10] as number) ^ 1;
    expect(await check(tampered)).toBe(false);

    const statement = JSON.parse(body.toString("utf8"));
    expect(statement).toEqual({
      _type: "https://in-toto.io/Statement/v1",
      subject: [
        { name: "contract:contract_git_status_001", digest: { sha256: HASH_A } },
        { name: "/workspace/out/report.json", digest: { sha256: "f".repeat(64) } },
      ],
      predicateType: RECEIPT_PREDICATE_TYPE,
      predicate: { receipt: verified.receipt, tollgate: extension, receipt_jws: jws },
    });
  });
});
