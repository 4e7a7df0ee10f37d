/**
 * Reading a tool's JSON output against a valibot schema of the part tollgate
 * uses. The schemas are loose on purpose (a tool adds fields between
 * versions); what they require is what the verdict depends on.
 */
import * as v from "valibot";
import { ParseError, preview } from "./findings.ts";

export function readJson<S extends v.GenericSchema>(tool: string, text: string, schema: S): v.InferOutput<S> {
  const trimmed = text.trim();
  if (trimmed === "") throw new ParseError(tool, "expected JSON output, got nothing");
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch (error) {
    throw new ParseError(tool, `expected JSON, got ${preview(trimmed)} (${(error as Error).message})`, {
      cause: error,
    });
  }
  return checkShape(tool, data, schema);
}

export function checkShape<S extends v.GenericSchema>(tool: string, data: unknown, schema: S): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const at = v.getDotPath(issue);
  if (at && issue.received === "undefined") throw new ParseError(tool, `${at}: missing`);
  throw new ParseError(tool, `${at ? `${at}: ` : ""}${issue.message}, got ${issue.received}`);
}

/** Counts and lines: non-negative integers. */
export const count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** A position a tool may leave out or write as null. */
export const maybeNumber = v.nullish(v.number());
export const maybeString = v.nullish(v.string());
