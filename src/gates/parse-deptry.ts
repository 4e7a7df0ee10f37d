/**
 * deptry's `--json-output <file>`: an array of violations, each with an
 * error code (DEP001 missing, DEP002 unused, DEP003 transitive, DEP004
 * misplaced dev, DEP005 standard library), the module and a location whose
 * line and column are null for a finding in pyproject.toml.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath } from "./findings.ts";
import { maybeNumber, readJson } from "./read-json.ts";

const TOOL = "deptry";

const schema = v.array(
  v.object({
    error: v.object({ code: v.string(), message: v.string() }),
    module: v.string(),
    location: v.object({ file: v.string(), line: maybeNumber, column: maybeNumber }),
  }),
  "expected a JSON array of violations",
);

export interface DeptryReport {
  /** Violations per code, e.g. { DEP002: 2 }. */
  byCode: Record<string, number>;
  findings: Finding[];
}

export function parseDeptry(text: string, options: ParseOptions): DeptryReport {
  const byCode: Record<string, number> = {};
  const findings = readJson(TOOL, text, schema).map((item) => {
    byCode[item.error.code] = (byCode[item.error.code] ?? 0) + 1;
    const finding: Finding = {
      file: projectPath(item.location.file, options.root),
      rule: item.error.code,
      message: item.error.message,
      severity: "error",
      tool: TOOL,
    };
    if (item.location.line) finding.line = item.location.line;
    return finding;
  });
  return { byCode, findings };
}
