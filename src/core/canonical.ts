import { createSha256 } from "./runtime.ts";

/**
 * Canonical JSON in the manner of RFC 8785 (JCS): object keys sorted by UTF-16
 * code units, no whitespace, ECMAScript number and string serialisation. Used
 * for stable hashes of documents, never to re-serialise signed bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError("canonical JSON has no representation for NaN or Infinity");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  throw new TypeError(`canonical JSON has no representation for a ${typeof value}`);
}

export function sha256Hex(data: string | Uint8Array): string {
  const hash = createSha256();
  hash.update(data);
  return hash.digest("hex");
}

/** `byteCount` random bytes as hex, for unique names and ids. */
export function randomHex(byteCount: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(byteCount));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
