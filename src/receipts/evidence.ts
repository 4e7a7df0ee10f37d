/**
 * Signed gate evidence: the gates module's evidence document (which gates
 * passed, with which numbers, on which tree) as a JWS, so a reviewer can
 * verify it offline with the team's public key, like a receipt.
 */
import { signJwsText, type VerifiedJws, verifyJws } from "./jws.ts";
import type { SigningKey, TrustedKeys } from "./keys.ts";

export const EVIDENCE_TYP = "tollgate-evidence+jws";

/** Signs the evidence exactly as written to evidence.json, so the two files carry the same bytes. */
export function signEvidence(evidenceJson: string, key: SigningKey): Promise<string> {
  return signJwsText(evidenceJson, EVIDENCE_TYP, key);
}

export function verifyEvidence(jws: string, keys: TrustedKeys): Promise<VerifiedJws> {
  return verifyJws(jws, EVIDENCE_TYP, keys);
}
