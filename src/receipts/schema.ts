/** Valibot pieces shared by the receipt and approval schemas, and the strict parse that names the field. */
import * as v from "valibot";
import { VerificationError } from "./reasons.ts";

// Single-step custom schemas rather than pipes: signing and verifying a receipt
// checks some fifty of these, and a pipe per field was most of the cost.
const text = (test: (value: string) => boolean, message: string) =>
  v.custom<string>((value) => typeof value === "string" && test(value), message);

const HEX64 = /^[A-Fa-f0-9]{64}$/;
const PREFIXED_HEX64 = /^sha256:[A-Fa-f0-9]{64}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const ABSOLUTE = /^(?:\/|[A-Za-z]:[\\/]|(?:\\\\|\/\/)[^\\/]+[\\/][^\\/]+)/;

export const nonEmpty = text((value) => value.length > 0, "expected a non-empty string");
export const sha256Hex = text((value) => HEX64.test(value), "expected 64 hex digits");
export const prefixedSha256 = text((value) => PREFIXED_HEX64.test(value), "expected sha256:<64 hex digits>");
export const integer = v.custom<number>((value) => Number.isInteger(value), "expected an integer");
export const count = v.custom<number>(
  (value) => Number.isInteger(value) && (value as number) >= 0,
  "expected a whole number",
);

/** JSON Schema `format: date-time` (RFC 3339). */
export const dateTime = text(
  (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
  "expected an RFC 3339 date-time",
);

/** POSIX, drive-letter or UNC absolute path, as the CSC schemas define it. */
export const absolutePath = text((value) => ABSOLUTE.test(value), "expected an absolute path");

export const uniqueStrings = v.pipe(
  v.array(nonEmpty),
  v.check((items) => new Set(items).size === items.length, "items must be unique"),
);

/** The first problem of a failed parse, as `field: message`. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], prefix: string): string {
  const issue = issues[0];
  if (!issue) return prefix;
  const path = v.getDotPath(issue);
  const field = [prefix, path].filter(Boolean).join(".");
  return `${field || "document"}: ${issue.message}`;
}

/** Parses a document that was signed: a mismatch is SCHEMA_INVALID, naming the field. */
export function parseSigned<S extends v.GenericSchema>(schema: S, value: unknown, where: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw new VerificationError("SCHEMA_INVALID", describeIssues(result.issues, where));
  return result.output;
}
