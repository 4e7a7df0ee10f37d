/**
 * Compact JWS (RFC 7515) with Ed25519, signed with WebCrypto and verified
 * with node:crypto's one-shot `verify` (the same primitive without
 * WebCrypto's promise and thread hop: about a third faster, which matters to
 * whoever checks receipts by the thousand), offline. jose makes and reads the
 * keys (src/receipts/keys.ts) and is the reference the tests check against;
 * the JWS step itself is done here because with one fixed algorithm it is a
 * few lines, and jose's general path cost more than the signature itself
 * (scripts/bench/receipts.ts).
 *
 * tollgate signs with `alg: "EdDSA"`, the name every JOSE library that knows
 * Ed25519 accepts; RFC 9864's fully specified `Ed25519` is accepted when
 * verifying. Nothing else is: not `none`, not HMAC (which would let a public
 * key serve as a shared secret), not RSA or ECDSA.
 *
 * The checks before the signature (shape, alg, typ, kid) only ever reject;
 * nothing in the header or payload is believed until the signature verifies
 * with the trusted key the kid names.
 */
import { Buffer } from "node:buffer";
import type { KeyObject } from "node:crypto";
import type { SigningKey, TrustedKeys } from "./keys.ts";
import { VerificationError } from "./reasons.ts";

const SIGNING_ALG = "EdDSA";
const ALLOWED_ALGS: readonly string[] = ["EdDSA", "Ed25519"];
export const RECEIPT_TYP = "csc-receipt+jws";
export const APPROVAL_TYP = "csc-approval+jws";

/** The header parameters tollgate writes; any other (jku, jwk, x5u, crit, b64...) is refused unread. */
const HEADER_PARAMS = new Set(["alg", "kid", "typ", "tollgate"]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: unknown;
  kid: string;
}

const ED25519 = { name: "Ed25519" };
const encoder = new TextEncoder();

/** Each trusted key as node:crypto takes it, converted once (public keys are imported extractable for this: src/receipts/keys.ts). */
const keyObjects = new WeakMap<CryptoKey, KeyObject>();

/** Whether `signature` is `key`'s Ed25519 signature of `data`; any other kind of key never verifies. */
function verifiesEd25519(key: CryptoKey, signature: Uint8Array, data: Uint8Array): boolean {
  if (key.type !== "public" || key.algorithm.name !== "Ed25519") return false;
  // Loaded on first use, not with this module: node:crypto costs a compiled executable
  // milliseconds to load, and `tollgate exec` imports this module without verifying anything.
  const nodeCrypto = process.getBuiltinModule("node:crypto");
  let keyObject = keyObjects.get(key);
  if (keyObject === undefined) {
    keyObject = nodeCrypto.KeyObject.from(key);
    keyObjects.set(key, keyObject);
  }
  try {
    return nodeCrypto.verify(null, data, keyObject, signature);
  } catch {
    return false;
  }
}

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

export function signJws(
  payload: unknown,
  typ: string,
  key: SigningKey,
  extraHeader: Record<string, unknown> = {},
): Promise<string> {
  const extra = Object.entries(extraHeader).map(([name, value]) => [name, JSON.stringify(value)] as const);
  return signJwsText(JSON.stringify(payload), typ, key, Object.fromEntries(extra));
}

/**
 * signJws for a payload, and header members beyond alg, typ and kid, that are
 * JSON text already: the caller that checked a document's text signs that text.
 */
export async function signJwsText(
  payloadJson: string,
  typ: string,
  key: SigningKey,
  extraHeaderJson: Record<string, string> = {},
): Promise<string> {
  let header = JSON.stringify({ alg: SIGNING_ALG, typ, kid: key.kid });
  for (const [name, json] of Object.entries(extraHeaderJson)) {
    header = `${header.slice(0, -1)},${JSON.stringify(name)}:${json}}`;
  }
  const input = `${base64url(header)}.${base64url(payloadJson)}`;
  const signature = await crypto.subtle.sign(ED25519, key.privateKey, encoder.encode(input));
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

function decodeJson(segment: string): unknown {
  return JSON.parse(strictUtf8.decode(Buffer.from(segment, "base64url")));
}

/**
 * The bytes a base64url segment spells, if it is their one canonical
 * spelling (no padding, no other characters, no spare bits set), so that a
 * JWS has one spelling. Empty passes, so that `alg: "none"` tokens (empty
 * signature) are refused by name.
 */
export function canonicalBytes(segment: string): Buffer<ArrayBuffer> | undefined {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) return undefined;
  // The last character's bits beyond the data must be zero: 4 of them after 2 characters, 2 after 3.
  const spare = [0, 0, 0b1111, 0b11][segment.length % 4] as number;
  if (spare !== 0 && (BASE64URL_VALUES.indexOf(segment.at(-1) as string) & spare) !== 0) return undefined;
  return Buffer.from(segment, "base64url");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64URL_VALUES = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Header and payload decoded with no check at all: for display, never for a decision. */
export function decodeUnverified(
  jws: string,
): { header: Record<string, unknown>; payload: Record<string, unknown> } | undefined {
  const [header = "", payload = ""] = jws.split(".", 2);
  try {
    const decoded = { header: decodeJson(header), payload: decodeJson(payload) };
    return isObject(decoded.header) && isObject(decoded.payload)
      ? { header: decoded.header, payload: decoded.payload }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies `jws` as a JWS of kind `typ` signed by one of `keys`; throws a VerificationError. */
export async function verifyJws(jws: string, typ: string, keys: TrustedKeys): Promise<VerifiedJws> {
  const segments = jws.split(".");
  if (segments.length !== 3) {
    throw new VerificationError(
      "MALFORMED_JWS",
      `a compact JWS has 3 dot-separated parts; this has ${segments.length}`,
    );
  }
  const names = ["header", "payload", "signature"];
  const [headerBytes, payloadBytes, signature] = segments.map((segment, index) => {
    const bytes = canonicalBytes(segment);
    if (!bytes) throw new VerificationError("MALFORMED_JWS", `the ${names[index]} is not canonical base64url`);
    return bytes;
  }) as [Buffer<ArrayBuffer>, Buffer<ArrayBuffer>, Buffer<ArrayBuffer>];
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(headerBytes));
  } catch {
    throw new VerificationError("MALFORMED_JWS", "the header is not UTF-8 JSON");
  }
  if (!isObject(header)) throw new VerificationError("MALFORMED_JWS", "the header is not a JSON object");
  const unexpected = Object.keys(header).filter((name) => !HEADER_PARAMS.has(name));
  if (unexpected.length > 0) {
    throw new VerificationError(
      "MALFORMED_JWS",
      `unexpected header parameter(s): ${unexpected.map((name) => JSON.stringify(name)).join(", ")}`,
    );
  }
  if (typeof header.alg !== "string" || !ALLOWED_ALGS.includes(header.alg)) {
    throw new VerificationError(
      "ALG_NOT_ALLOWED",
      `alg ${JSON.stringify(header.alg ?? null)} is not allowed; only ${ALLOWED_ALGS.join(" and ")} are`,
    );
  }
  if (header.typ !== typ) {
    throw new VerificationError("TYP_MISMATCH", `typ is ${JSON.stringify(header.typ ?? null)}; expected "${typ}"`);
  }
  if (typeof header.kid !== "string") throw new VerificationError("KID_UNKNOWN", "the header names no key (kid)");
  const key = keys.get(header.kid);
  if (!key) throw new VerificationError("KID_UNKNOWN", `kid ${JSON.stringify(header.kid)} is not a trusted key`);
  const [encodedHeader, encodedPayload] = segments as [string, string, string];
  const signingInput = encoder.encode(jws.slice(0, encodedHeader.length + 1 + encodedPayload.length));
  if (!verifiesEd25519(key, signature, signingInput))
    throw new VerificationError("SIGNATURE_INVALID", `the signature does not verify with key ${header.kid}`);
  let payload: unknown;
  try {
    payload = JSON.parse(strictUtf8.decode(payloadBytes));
  } catch {
    throw new VerificationError("MALFORMED_JWS", "the payload is not UTF-8 JSON");
  }
  return { header, payload, kid: header.kid };
}
