/** Recorded tool outputs under test/fixtures/gates/outputs (SOURCES.md says where each came from). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers.ts";

export const OUTPUTS = join(PROJECT_ROOT, "test", "fixtures", "gates", "outputs");

/** The project root the recorded outputs were made in (paths in them were rewritten to it). */
export const ROOT = "/home/dev/proj";

export function output(tool: string, name: string): string {
  return readFileSync(join(OUTPUTS, tool, name), "utf8");
}
