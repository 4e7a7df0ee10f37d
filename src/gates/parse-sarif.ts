/**
 * SARIF 2.1.0, for any tool that writes it (ruff, eslint's formatter,
 * semgrep, a custom gate): runs[].results[] with ruleId, level and the first
 * location's artifactLocation.uri and region. A result's level defaults to
 * its rule's defaultConfiguration.level, then to "warning", as the spec
 * says; results of kind pass/notApplicable/open/review are not findings.
 * URIs may be file:// URLs (file:///C:/... on Windows), percent-encoded, or
 * relative to a uriBaseId that originalUriBaseIds resolves.
 */
import * as v from "valibot";
import { type Finding, type ParseOptions, projectPath, type Severity, safeDecode } from "./findings.ts";
import { count, maybeString, readJson } from "./read-json.ts";

const LEVEL: Record<string, Severity> = { error: "error", warning: "warning", note: "info", none: "info" };
const NOT_FINDINGS = new Set(["pass", "notApplicable", "open", "review"]);

const artifactLocation = v.object({ uri: maybeString, uriBaseId: maybeString });

const schema = v.object(
  {
    version: v.literal("2.1.0", "expected SARIF version 2.1.0"),
    runs: v.array(
      v.object({
        tool: v.object({
          driver: v.object({
            name: v.string(),
            rules: v.optional(
              v.array(v.object({ id: v.string(), defaultConfiguration: v.optional(v.object({ level: maybeString })) })),
            ),
          }),
        }),
        originalUriBaseIds: v.optional(v.record(v.string(), v.object({ uri: maybeString }))),
        results: v.nullish(
          v.array(
            v.object({
              ruleId: maybeString,
              ruleIndex: v.optional(count),
              level: v.optional(v.picklist(Object.keys(LEVEL))),
              kind: maybeString,
              message: v.object({ text: maybeString, markdown: maybeString }),
              locations: v.optional(
                v.array(
                  v.object({
                    physicalLocation: v.optional(
                      v.object({
                        artifactLocation: v.optional(artifactLocation),
                        region: v.optional(v.object({ startLine: v.optional(count), startColumn: v.optional(count) })),
                      }),
                    ),
                  }),
                ),
              ),
            }),
          ),
        ),
      }),
    ),
  },
  "expected a SARIF log (version, runs)",
);

export interface SarifReport {
  /** The tools named by the runs' drivers. */
  tools: string[];
  findings: Finding[];
}

/** `tool` names the gate in errors; findings carry each run's own driver name. */
export function parseSarif(text: string, options: ParseOptions & { tool?: string }): SarifReport {
  const log = readJson(options.tool ?? "sarif", text, schema);
  return {
    tools: log.runs.map((run) => run.tool.driver.name),
    findings: log.runs.flatMap((run) => {
      const rules = run.tool.driver.rules ?? [];
      const bases = run.originalUriBaseIds ?? {};
      return (run.results ?? [])
        .filter((result) => !NOT_FINDINGS.has(result.kind ?? "fail"))
        .map((result) => {
          const rule = result.ruleId ?? (result.ruleIndex === undefined ? undefined : rules[result.ruleIndex]?.id);
          const ruleLevel = rules.find((item) => item.id === rule)?.defaultConfiguration?.level;
          const level = result.level ?? (ruleLevel && ruleLevel in LEVEL ? ruleLevel : "warning");
          const finding: Finding = {
            message: result.message.text ?? result.message.markdown ?? "",
            severity: (result.kind === "informational" ? "info" : LEVEL[level]) as Severity,
            tool: run.tool.driver.name,
          };
          if (rule) finding.rule = rule;
          const physical = result.locations?.[0]?.physicalLocation;
          const uri = physical?.artifactLocation?.uri;
          if (uri) finding.file = projectPath(resolve(uri, physical?.artifactLocation?.uriBaseId, bases), options.root);
          if (physical?.region?.startLine !== undefined) finding.line = physical.region.startLine;
          if (physical?.region?.startColumn !== undefined) finding.column = physical.region.startColumn;
          return finding;
        });
    }),
  };
}

function resolve(
  uri: string,
  baseId: string | null | undefined,
  bases: Record<string, { uri?: string | null }>,
): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[A-Za-z]:[\\/]/.test(uri)) return uri;
  const base = baseId ? bases[baseId]?.uri : undefined;
  const relative = safeDecode(uri);
  if (!base) return relative;
  return `${base.replace(/\/?$/, "/")}${relative}`;
}
