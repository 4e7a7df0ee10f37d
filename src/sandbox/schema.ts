/**
 * What the contract, policy and decision schemas share: field types with
 * tollgate's messages, and one way to turn valibot issues into errors that
 * name the field (`commands[0].timeout_sec: expected an integer, got "10"`).
 */
import * as v from "valibot";
import { UserError } from "../core/index.ts";
import { formatPath } from "./strict-json.ts";

export const EFFECT_TYPES = [
  "observe",
  "transform_local",
  "fetch_external",
  "mutate_repo",
  "deploy",
  "touch_secrets",
] as const;
export type EffectType = (typeof EFFECT_TYPES)[number];

export const RISK_CLASSES = ["low", "medium", "high", "critical"] as const;
export const NETWORK_MODES = ["deny", "allowlisted", "full"] as const;
export type NetworkMode = (typeof NETWORK_MODES)[number];

export const nonEmptyString = v.pipe(v.string(), v.minLength(1, "must not be empty"));

export function integer(min: number, max: number) {
  return v.pipe(
    v.number("expected an integer"),
    v.integer("expected an integer"),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  );
}

export function boundedString(min: number, max: number) {
  return v.pipe(
    v.string(),
    v.minLength(min, `must be at least ${min} characters`),
    v.maxLength(max, `must be at most ${max} characters`),
  );
}

/** The CSC absolutePath: POSIX, Windows drive or UNC form, and never a NUL byte. */
const ABSOLUTE = [/^\//, /^[A-Za-z]:[\\/]/, /^(?:\\\\|\/\/)[^\\/]+[\\/][^\\/]+/];
export const absolutePath = v.pipe(
  v.string(),
  v.check((path) => !path.includes("\0"), "must not contain a NUL byte"),
  v.check((path) => ABSOLUTE.some((pattern) => pattern.test(path)), "must be an absolute path (start with /)"),
);

export function uniqueArray<T extends v.GenericSchema>(item: T, what: string) {
  return v.pipe(
    v.array(item),
    v.check((items) => new Set(items).size === items.length, `must not list the same ${what} twice`),
  );
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  if (issue.type === "strict_object" && issue.expected === "never") return "unknown field";
  if (issue.type === "strict_object" && issue.received === "undefined") return "missing required field";
  if (issue.kind !== "schema") return issue.message;
  const expected = issue.message.startsWith("Invalid ") ? `expected ${issue.expected}` : issue.message;
  return `${expected}, got ${issue.received}`;
}

function issuePath(issue: v.BaseIssue<unknown>): string {
  return formatPath((issue.path ?? []).map((item) => item.key as string | number));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

/**
 * Validates `input` and returns it deeply frozen (hashes of it can be cached);
 * a UserError lists every problem, each with its field path.
 */
export function validate<T extends v.GenericSchema>(schema: T, input: unknown, what: string, code: string) {
  const result = v.safeParse(schema, input);
  if (result.success) return deepFreeze(result.output as v.InferOutput<T>);
  const problems = result.issues.slice(0, 20).map((issue) => `${issuePath(issue)}: ${describeIssue(issue)}`);
  const more = result.issues.length > 20 ? `\n  ... and ${result.issues.length - 20} more` : "";
  throw new UserError(code, `${what} is not valid:\n  ${problems.join("\n  ")}${more}`);
}
