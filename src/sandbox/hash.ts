/**
 * The hashes approvals and receipts bind to: SHA-256 (hex) of the canonical
 * JSON of the parsed document. Memoised only for frozen documents (the
 * loaders freeze what they return), so a hash can never go stale.
 */
import { canonicalJson, sha256Hex } from "../core/index.ts";
import type { CommandContract } from "./contract.ts";
import type { Policy } from "./policy.ts";

const hashes = new WeakMap<object, string>();

function documentSha256(document: object): string {
  let hash = hashes.get(document);
  if (hash === undefined) {
    hash = sha256Hex(canonicalJson(document));
    if (Object.isFrozen(document)) hashes.set(document, hash);
  }
  return hash;
}

export function contractSha256(contract: CommandContract): string {
  return documentSha256(contract);
}

export function policySha256(policy: Policy): string {
  return documentSha256(policy);
}
