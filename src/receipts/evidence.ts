/**
 * Signed gate evidence: the gates module's evidence document (which gates
 * passed, with which numbers, on which tree) as a JWS, so a reviewer can
 * verify it offline with the team's public key, like a receipt.
 */
import { signJwsText } from "./jws.ts";
import type { SigningKey } from "./keys.ts";

const EVIDENCE_TYP = "tollgate-evidence+jws";

/** Signs the evidence exactly as written to evidence.json, so the two files carry the same bytes. */
export function signEvidence(evidenceJson: string, key: SigningKey): Promise<string> {
  return signJwsText(evidenceJson, EVIDENCE_TYP, key);
}
