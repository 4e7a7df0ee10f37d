/**
 * Stryker's mutation report (`reports/mutation/mutation.json`, the
 * mutation-testing-report-schema): files -> mutants, each with a status.
 * File names are relative to the report's projectRoot. A mutant without a
 * status (a report written before the run finished) counts as pending.
 */
import * as v from "valibot";
import type { Finding, ParseOptions } from "./findings.ts";
import { projectPath } from "./findings.ts";
import {
  emptyCounts,
  type MutationCounts,
  type MutationOptions,
  type MutationReport,
  mutationReport,
} from "./mutation.ts";
import { count, readJson } from "./read-json.ts";

const TOOL = "stryker";

const STATUS: Record<string, keyof MutationCounts> = {
  Killed: "killed",
  Survived: "survived",
  NoCoverage: "noCoverage",
  Timeout: "timeout",
  CompileError: "errors",
  RuntimeError: "errors",
  Ignored: "ignored",
  Pending: "pending",
};

const schema = v.object(
  {
    schemaVersion: v.string(),
    projectRoot: v.optional(v.string()),
    files: v.record(
      v.string(),
      v.object({
        mutants: v.array(
          v.object({
            id: v.string(),
            mutatorName: v.string(),
            replacement: v.optional(v.string()),
            status: v.optional(
              v.picklist(Object.keys(STATUS), `expected a status (${Object.keys(STATUS).join(", ")})`),
            ),
            location: v.object({ start: v.object({ line: count, column: count }) }),
          }),
        ),
      }),
    ),
  },
  "expected a mutation-testing report (schemaVersion, files)",
);

export function parseStrykerReport(text: string, options: ParseOptions & MutationOptions): MutationReport {
  const report = readJson(TOOL, text, schema);
  const counts = emptyCounts();
  const findings: Finding[] = [];
  const base = report.projectRoot;
  for (const [name, file] of Object.entries(report.files)) {
    const path = projectPath(base && !name.startsWith("/") ? `${base}/${name}` : name, options.root);
    for (const mutant of file.mutants) {
      const kind: keyof MutationCounts = mutant.status ? (STATUS[mutant.status] as keyof MutationCounts) : "pending";
      counts[kind] += 1;
      if (kind !== "survived" && kind !== "noCoverage") continue;
      findings.push({
        file: path,
        line: mutant.location.start.line,
        column: mutant.location.start.column,
        rule: mutant.mutatorName,
        message: `${kind === "survived" ? "Survived" : "No test covers"}: ${mutant.mutatorName}${
          mutant.replacement === undefined ? "" : ` (${oneLine(mutant.replacement)})`
        }`,
        severity: "warning",
        tool: TOOL,
      });
    }
  }
  return mutationReport(counts, findings, options);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 80)}...` : flat;
}
