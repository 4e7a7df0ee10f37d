/** Valibot pieces shared by the receipt and approval schemas, and the strict parse that names the field. */
import * as v from "valibot";
import { VerificationError } from "./reasons.ts";

export const nonEmpty = v.pipe(v.string(), v.minLength(1));
export const sha256Hex = v.pipe(v.string(), v.regex(/^[A-Fa-f0-9]{64}$/, "expected 64 hex digits"));
export const prefixedSha256 = v.pipe(
  v.string(),
  v.regex(/^sha256:[A-Fa-f0-9]{64}$/, "expected sha256:<64 hex digits>"),
);
export const integer = v.pipe(v.number(), v.integer());
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** JSON Schema `format: date-time` (RFC 3339). */
export const dateTime = v.pipe(
  v.string(),
  v.check(
    (value) => RFC3339.test(value) && !Number.isNaN(Date.parse(value.toUpperCase())),
    "expected an RFC 3339 date-time",
  ),
);

/** POSIX, drive-letter or UNC absolute path, as the CSC schemas define it. */
export const absolutePath = v.pipe(
  v.string(),
  v.check(
    (value) => /^\//.test(value) || /^[A-Za-z]:[\\/]/.test(value) || /^(?:\\\\|\/\/)[^\\/]+[\\/][^\\/]+/.test(value),
    "expected an absolute path",
  ),
);

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
