import { canonicalJson, sha256Hex } from "../core/index.ts";
import type { Frame } from "./frames.ts";

/** A crash report id: 16 lowercase hex digits. */
export const FINGERPRINT_PATTERN = /^[0-9a-f]{16}$/;

/**
 * Identifies a bug rather than one occurrence: the exception class and the
 * file and function of each own frame. Line numbers are left out so the same
 * bug keeps its fingerprint across a rebuild or an unrelated edit.
 */
export function fingerprint(exception: string, frames: readonly Frame[]): string {
  const own = frames.flatMap((frame) => (frame.own ? [{ file: frame.file, function: frame.fn }] : []));
  return sha256Hex(canonicalJson({ exception, frames: own })).slice(0, 16);
}
