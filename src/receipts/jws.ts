/**
 * Compact JWS (RFC 7515) with Ed25519, signed and verified offline with
 * WebCrypto. jose makes and reads the keys (src/receipts/keys.ts) and is the
 * reference the tests check against; the JWS step itself is done here because
 * with one fixed algorithm it is a few lines, and jose's general path cost
 * more than the signature itself (scripts/bench/receipts.ts).
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
import type { SigningKey, TrustedKeys } from "./keys.ts";
import { VerificationError } from "./reasons.ts";

export const SIGNING_ALG = "EdDSA";
export const ALLOWED_ALGS: readonly string[] = ["EdDSA", "Ed25519"];
export const RECEIPT_TYP = "csc-receipt+jws";
export const APPROVAL_TYP = "csc-approval+jws";

/** The header parameters tollgate writes; any other (jku, jwk, x5u, crit, b64...) is refused unread. */
const HEADER_PARAMS = new Set(["alg", "kid", "typ", "tollgate"]);
/** Empty parts pass here so that `alg: "none"` tokens (empty signature) are refused by name. */
const BASE64URL = /^[A-Za-z0-9_-]*$/;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export interface VerifiedJws {
  header: Record<string, unknown>;
  payload: unknown;
  kid: string;
}

const ED25519 = { name: "Ed25519" };
const encoder = new TextEncoder();

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url");

export async function signJws(
  payload: unknown,
  typ: string,
  key: SigningKey,
  extraHeader: Record<string, unknown> = {},
): Promise<string> {
  const header = { alg: SIGNING_ALG, typ, kid: key.kid, ...extraHeader };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const signature = await crypto.subtle.sign(ED25519, key.privateKey, encoder.encode(input));
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

function decodeJson(segment: string): unknown {
  return JSON.parse(strictUtf8.decode(Buffer.from(segment, "base64url")));
}

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
  for (const [index, segment] of segments.entries()) {
    if (!BASE64URL.test(segment) || segment.length % 4 === 1) {
      throw new VerificationError("MALFORMED_JWS", `the ${names[index]} is not base64url`);
    }
  }
  let header: unknown;
  try {
    header = decodeJson(segments[0] as string);
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
  const [encodedHeader, encodedPayload, encodedSignature] = segments as [string, string, string];
  const signature = Buffer.from(encodedSignature, "base64url");
  // Only the canonical encoding of a signature is accepted, so a JWS has one spelling.
  if (signature.toString("base64url") !== encodedSignature) {
    throw new VerificationError("MALFORMED_JWS", "the signature is not canonical base64url");
  }
  const valid = await crypto.subtle
    .verify(ED25519, key, signature, encoder.encode(`${encodedHeader}.${encodedPayload}`))
    .catch(() => false);
  if (!valid) throw new VerificationError("SIGNATURE_INVALID", `the signature does not verify with key ${header.kid}`);
  let payload: unknown;
  try {
    payload = decodeJson(segments[1] as string);
  } catch {
    throw new VerificationError("MALFORMED_JWS", "the payload is not UTF-8 JSON");
  }
  return { header, payload, kid: header.kid };
}
