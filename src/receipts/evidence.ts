/**
 * Signed gate evidence: the gates module's evidence document (which gates
 * passed, with which numbers, on which tree) as a JWS, so a reviewer can
 * verify it offline with the team's public key, like a receipt. The payload
 * is checked against the part of the document a verdict rests on, after the
 * signature.
 */
import * as v from "valibot";
import { signJwsText, verifyJws } from "./jws.ts";
import type { SigningKey, TrustedKeys } from "./keys.ts";
import { VerificationError } from "./reasons.ts";

export const EVIDENCE_TYP = "tollgate-evidence+jws";

const EvidenceSchema = v.looseObject({
  schemaVersion: v.literal(1),
  stage: v.string(),
  root: v.string(),
  tollgateVersion: v.string(),
  startedAt: v.string(),
  verdict: v.picklist(["pass", "fail"]),
  treeHash: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/))),
  gates: v.array(
    v.looseObject({
      id: v.string(),
      verdict: v.picklist(["pass", "fail", "warn", "skip", "missing", "error"]),
      summary: v.string(),
    }),
  ),
});
export type Evidence = v.InferOutput<typeof EvidenceSchema>;

/** Signs the evidence exactly as written to evidence.json, so the two files carry the same bytes. */
export function signEvidence(evidenceJson: string, key: SigningKey): Promise<string> {
  return signJwsText(evidenceJson, EVIDENCE_TYP, key);
}

export async function verifyEvidence(
  jws: string,
  keys: TrustedKeys,
  expect: { treeHash?: string | undefined } = {},
): Promise<{ evidence: Evidence; kid: string }> {
  const { payload, kid } = await verifyJws(jws, EVIDENCE_TYP, keys);
  const parsed = v.safeParse(EvidenceSchema, payload);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new VerificationError("SCHEMA_INVALID", `evidence ${v.getDotPath(issue) ?? ""}: ${issue.message}`);
  }
  const evidence = parsed.output;
  if (expect.treeHash !== undefined && evidence.treeHash !== expect.treeHash) {
    throw new VerificationError(
      "TREE_HASH_MISMATCH",
      `the evidence is for tree ${evidence.treeHash ?? "(none: not a git checkout)"}, not ${expect.treeHash}`,
    );
  }
  return { evidence, kid };
}
