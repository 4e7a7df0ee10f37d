/**
 * dependency-cruiser `--output-type json`: `summary.violations` (each with a
 * type, from, to and the rule's name and severity; a cycle lists its path)
 * and counts per severity. The json reporter exits 0 whatever it found, so
 * the parsed counts decide.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath, type Severity } from "./findings.ts";
import { count, readJson } from "./read-json.ts";

const TOOL = "dependency-cruiser";

const SEVERITY: Record<string, Severity | undefined> = {
  error: "error",
  warn: "warning",
  info: "info",
  ignore: undefined,
};

const schema = v.object(
  {
    summary: v.object({
      violations: v.array(
        v.object({
          type: v.optional(v.string()),
          from: v.string(),
          to: v.string(),
          rule: v.object({ name: v.string(), severity: v.picklist(Object.keys(SEVERITY)) }),
          cycle: v.optional(v.array(v.object({ name: v.string() }))),
        }),
      ),
      error: count,
      warn: count,
      info: count,
      totalCruised: count,
    }),
  },
  "expected a dependency-cruiser JSON result (summary)",
);

export interface DependencyCruiserReport {
  errors: number;
  warnings: number;
  infos: number;
  modulesCruised: number;
  findings: Finding[];
}

export function parseDependencyCruiser(text: string, options: ParseOptions): DependencyCruiserReport {
  const { summary } = readJson(TOOL, text, schema);
  return {
    errors: summary.error,
    warnings: summary.warn,
    infos: summary.info,
    modulesCruised: summary.totalCruised,
    findings: summary.violations.flatMap((violation) => {
      const severity = SEVERITY[violation.rule.severity];
      if (!severity) return [];
      const what = violation.cycle
        ? `cycle ${[violation.from, ...violation.cycle.map((step) => step.name)].join(" -> ")}`
        : violation.from === violation.to
          ? violation.from
          : `${violation.from} -> ${violation.to}`;
      return [
        {
          file: projectPath(violation.from, options.root),
          rule: violation.rule.name,
          message: `${violation.rule.name}: ${what}`,
          severity,
          tool: TOOL,
        },
      ];
    }),
  };
}
