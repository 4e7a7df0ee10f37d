/**
 * knip `--reporter json`: `{ issues: [{ file, <issue type>: [...] }] }`, one
 * entry per file, each issue type an array of `{ name, line?, col? }`
 * (duplicates: an array of such arrays). Every listed issue is a finding.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath } from "./findings.ts";
import { readJson } from "./read-json.ts";

const TOOL = "knip";

const KIND: Record<string, string> = {
  files: "Unused file",
  dependencies: "Unused dependency",
  devDependencies: "Unused devDependency",
  optionalPeerDependencies: "Referenced optional peerDependency",
  unlisted: "Unlisted dependency",
  binaries: "Unlisted binary",
  unresolved: "Unresolved import",
  exports: "Unused export",
  nsExports: "Unused export in namespace",
  types: "Unused exported type",
  nsTypes: "Unused exported type in namespace",
  enumMembers: "Unused enum member",
  classMembers: "Unused class member",
  namespaceMembers: "Unused namespace member",
  duplicates: "Duplicate export",
  catalog: "Unused catalog entry",
};

const item = v.object({ name: v.string(), line: v.optional(v.number()), col: v.optional(v.number()) });

const schema = v.object(
  { issues: v.array(v.objectWithRest({ file: v.string() }, v.unknown())) },
  "expected a knip JSON report (issues)",
);

export interface KnipReport {
  /** Issues per type, e.g. { exports: 3, dependencies: 1 }. */
  byType: Record<string, number>;
  findings: Finding[];
}

export function parseKnip(text: string, options: ParseOptions): KnipReport {
  const byType: Record<string, number> = {};
  const findings = readJson(TOOL, text, schema).issues.flatMap(({ file, ...types }) =>
    Object.entries(types).flatMap(([type, value]) =>
      listed(value).map((entry) => {
        byType[type] = (byType[type] ?? 0) + 1;
        const finding: Finding = {
          file: projectPath(file, options.root),
          rule: type,
          message: `${KIND[type] ?? type}: ${entry.name}`,
          severity: "error",
          tool: TOOL,
        };
        if (entry.line !== undefined) finding.line = entry.line;
        if (entry.col !== undefined) finding.column = entry.col;
        return finding;
      }),
    ),
  );
  return { byType, findings };
}

/** The entries of one issue type: `{name}` items, duplicate groups joined, anything else ignored. */
function listed(value: unknown): { name: string; line?: number; col?: number }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (Array.isArray(entry)) {
      const names = entry.flatMap((part) => (v.is(item, part) ? [part.name] : []));
      return names.length ? [{ name: names.join(", ") }] : [];
    }
    return v.is(item, entry) ? [entry] : [];
  });
}
