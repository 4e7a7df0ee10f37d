/**
 * A receipt as an in-toto attestation: a Statement v1 whose predicate is the
 * verified receipt, in a DSSE envelope signed over
 * PAE("DSSEv1", payloadType, payload), for tools that consume attestations.
 */
import { Buffer } from "node:buffer";
import { REPOSITORY_URL } from "../core/index.ts";
import type { SigningKey } from "./keys.ts";
import type { VerifiedReceipt } from "./receipt.ts";

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const RECEIPT_PREDICATE_TYPE = `${REPOSITORY_URL}/csc-receipt/v1`;

export interface DsseEnvelope {
  payloadType: string;
  /** Standard base64 of the statement's JSON bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** DSSE's pre-authentication encoding: lengths are byte counts in ASCII decimal. */
export function pae(payloadType: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  const type = new TextEncoder().encode(payloadType);
  const head = new TextEncoder().encode(`DSSEv1 ${type.length} ${payloadType} ${body.length} `);
  const encoded = new Uint8Array(head.length + body.length);
  encoded.set(head);
  encoded.set(body, head.length);
  return encoded;
}

/** The in-toto Statement v1 for a verified receipt: the contract and the artifacts are its subjects. */
export function receiptStatement({ receipt, extension }: VerifiedReceipt, jws: string): Record<string, unknown> {
  return {
    _type: "https://in-toto.io/Statement/v1",
    subject: [
      { name: `contract:${receipt.contract_id}`, digest: { sha256: receipt.contract_sha256.toLowerCase() } },
      ...(receipt.artifacts ?? []).map((artifact) => ({
        name: artifact.path,
        digest: { sha256: artifact.sha256.toLowerCase() },
      })),
    ],
    predicateType: RECEIPT_PREDICATE_TYPE,
    predicate: { receipt, tollgate: extension, receipt_jws: jws },
  };
}

export async function signDsse(statement: unknown, key: SigningKey): Promise<DsseEnvelope> {
  const body = new TextEncoder().encode(JSON.stringify(statement));
  const signature = await crypto.subtle.sign({ name: "Ed25519" }, key.privateKey, pae(IN_TOTO_PAYLOAD_TYPE, body));
  return {
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    payload: Buffer.from(body).toString("base64"),
    signatures: [{ keyid: key.kid, sig: Buffer.from(signature).toString("base64") }],
  };
}
