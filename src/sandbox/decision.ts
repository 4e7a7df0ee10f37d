/** The CSC v0.1 PolicyDecision: what `tollgate policy check --json` prints and approvals refer to. */
import * as v from "valibot";
import { nonEmptyString, validate } from "./schema.ts";

const sha256Hex = v.pipe(v.string(), v.regex(/^[A-Fa-f0-9]{64}$/, "must be 64 hex digits"));

const PolicyDecisionSchema = v.strictObject({
  contract_id: nonEmptyString,
  contract_sha256: v.optional(sha256Hex),
  decision: v.picklist(["allow", "deny", "needs_approval"]),
  policy_profile: nonEmptyString,
  classified_effects: v.optional(v.array(v.strictObject({ command_id: nonEmptyString, effect_type: nonEmptyString }))),
  reasons: v.pipe(v.array(nonEmptyString), v.minLength(1, "must not be empty")),
  reason_codes: v.pipe(
    v.array(nonEmptyString),
    v.minLength(1, "must not be empty"),
    v.check((codes) => new Set(codes).size === codes.length, "must not list a code twice"),
  ),
  expires_at: v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 date-time")),
});

export type PolicyDecision = v.InferOutput<typeof PolicyDecisionSchema>;
export type DecisionKind = PolicyDecision["decision"];

export function parsePolicyDecision(input: unknown, what = "policy decision"): PolicyDecision {
  return validate(PolicyDecisionSchema, input, what, "INVALID_DECISION");
}
