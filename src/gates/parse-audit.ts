/**
 * Dependency audits: pip-audit `--format json`, npm audit `--json` (npm 7
 * and later, report version 2), pnpm audit `--json` (npm 6's advisory
 * format, which pnpm kept) and yarn 4's `yarn npm audit --json` (one JSON
 * line per advisory). Both answer one question, which packages
 * carry known vulnerabilities, in one shape: counts and a finding per
 * advisory. An audit that could not ask its database (npm's error document)
 * is a ParseError: "no answer" must never read as "no vulnerability".
 */
import * as v from "valibot";
import { type Finding, ParseError, type Severity } from "./findings.ts";
import { checkShape, count, maybeString, readJson } from "./read-json.ts";

export interface AuditReport {
  /** Packages with at least one advisory. */
  vulnerablePackages: number;
  /** Advisories per severity as the tool rates them; pip-audit rates none ("unknown"). */
  bySeverity: Record<string, number>;
  /** Packages the tool could not audit (pip-audit's skip_reason). */
  skipped: number;
  findings: Finding[];
}

const pipSchema = v.object(
  {
    dependencies: v.array(
      v.object({
        name: v.string(),
        version: v.optional(v.string()),
        skip_reason: v.optional(v.string()),
        vulns: v.optional(
          v.array(
            v.object({ id: v.string(), fix_versions: v.array(v.string()), aliases: v.optional(v.array(v.string())) }),
          ),
        ),
      }),
    ),
  },
  "expected a pip-audit JSON report (dependencies)",
);

export function parsePipAudit(text: string): AuditReport {
  const tool = "pip-audit";
  const report = readJson(tool, text, pipSchema);
  const findings: Finding[] = [];
  let skipped = 0;
  for (const dependency of report.dependencies) {
    if (dependency.skip_reason !== undefined) {
      skipped += 1;
      findings.push({ message: `not audited: ${dependency.skip_reason}`, severity: "info", tool, rule: "skipped" });
      continue;
    }
    for (const vuln of dependency.vulns ?? []) {
      const aliases = vuln.aliases?.length ? ` (${vuln.aliases.join(", ")})` : "";
      const fix = vuln.fix_versions.length ? `fixed in ${vuln.fix_versions.join(", ")}` : "no fixed version yet";
      findings.push({
        rule: vuln.id,
        message: `${dependency.name} ${dependency.version ?? ""}: ${vuln.id}${aliases}, ${fix}`,
        severity: "error",
        tool,
      });
    }
  }
  const advisories = findings.filter((item) => item.severity === "error").length;
  return {
    vulnerablePackages: report.dependencies.filter((item) => (item.vulns ?? []).length > 0).length,
    bySeverity: advisories > 0 ? { unknown: advisories } : {},
    skipped,
    findings,
  };
}

const NPM_SEVERITY: Record<string, Severity> = {
  critical: "error",
  high: "error",
  moderate: "warning",
  low: "info",
  info: "info",
};

const advisory = v.object({
  source: v.optional(v.union([v.number(), v.string()])),
  title: v.string(),
  url: maybeString,
  severity: v.picklist(Object.keys(NPM_SEVERITY)),
  range: maybeString,
});

const npmSchema = v.object(
  {
    auditReportVersion: v.literal(2, "expected npm's audit report version 2 (npm 7 or later)"),
    vulnerabilities: v.record(
      v.string(),
      v.object({
        name: v.string(),
        severity: v.picklist(Object.keys(NPM_SEVERITY)),
        isDirect: v.optional(v.boolean()),
        via: v.array(v.union([v.string(), advisory])),
      }),
    ),
    metadata: v.object({ vulnerabilities: v.record(v.string(), count) }),
  },
  "expected an npm audit --json report",
);

const npmError = v.object({ error: v.object({ summary: maybeString, detail: maybeString }), message: maybeString });

export function parseNpmAudit(text: string): AuditReport {
  const tool = "npm audit";
  const data = readJson(tool, text, v.unknown());
  const failed = v.safeParse(npmError, data);
  if (failed.success) {
    const why = failed.output.message ?? failed.output.error.summary ?? failed.output.error.detail ?? "unknown error";
    throw new ParseError(tool, `the audit could not run: ${why}`);
  }
  const report = checkShape(tool, data, npmSchema);
  const findings = Object.values(report.vulnerabilities).flatMap((vulnerability) =>
    vulnerability.via.map((via): Finding => {
      if (typeof via === "string") {
        return {
          rule: via,
          message: `${vulnerability.name} (${vulnerability.severity}): vulnerable through ${via}`,
          severity: NPM_SEVERITY[vulnerability.severity] as Severity,
          tool,
        };
      }
      const id = via.url?.match(/GHSA-[\w-]+$/)?.[0] ?? String(via.source ?? via.title);
      return {
        rule: id,
        message: `${vulnerability.name} (${via.severity}): ${via.title}${via.range ? ` (${via.range})` : ""}`,
        severity: NPM_SEVERITY[via.severity] as Severity,
        tool,
      };
    }),
  );
  const { total: _total, ...bySeverity } = report.metadata.vulnerabilities;
  return {
    vulnerablePackages: Object.keys(report.vulnerabilities).length,
    bySeverity,
    skipped: 0,
    findings,
  };
}

const pnpmSchema = v.object(
  {
    advisories: v.record(
      v.string(),
      v.object({
        id: v.union([v.number(), v.string()]),
        module_name: v.string(),
        title: v.string(),
        severity: v.picklist(Object.keys(NPM_SEVERITY)),
        vulnerable_versions: maybeString,
        url: maybeString,
      }),
    ),
    metadata: v.object({ vulnerabilities: v.record(v.string(), count) }),
  },
  "expected a pnpm audit --json report (advisories, metadata)",
);

export function parsePnpmAudit(text: string): AuditReport {
  const tool = "pnpm audit";
  const report = readJson(tool, text, pnpmSchema);
  const advisories = Object.values(report.advisories);
  return {
    vulnerablePackages: new Set(advisories.map((item) => item.module_name)).size,
    bySeverity: report.metadata.vulnerabilities,
    skipped: 0,
    findings: advisories.map((item) => ({
      rule: item.url?.match(/GHSA-[\w-]+$/)?.[0] ?? String(item.id),
      message: `${item.module_name} (${item.severity}): ${item.title}${item.vulnerable_versions ? ` (${item.vulnerable_versions})` : ""}`,
      severity: NPM_SEVERITY[item.severity] as Severity,
      tool,
    })),
  };
}

const yarnLine = v.object({
  value: v.string(),
  children: v.object({
    ID: v.optional(v.union([v.number(), v.string()])),
    Issue: v.string(),
    URL: v.optional(v.string()),
    Severity: v.picklist(Object.keys(NPM_SEVERITY)),
    "Vulnerable Versions": v.optional(v.string()),
  }),
});

const yarnMessage = v.object({ type: v.string(), data: v.optional(v.unknown()) });

/**
 * yarn also lists deprecated packages, with an ID ending in "(deprecation)":
 * notes, not vulnerabilities. Lines with a `type` are yarn's report messages
 * (`No audit suggestions` on a clean run); an error among them means the
 * audit did not run.
 */
export function parseYarnAudit(text: string): AuditReport {
  const tool = "yarn npm audit";
  if (text.trim() === "") throw new ParseError(tool, "expected JSON lines, got nothing");
  const entries = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .flatMap((line) => {
      const data = readJson(tool, line, v.unknown());
      const message = v.safeParse(yarnMessage, data);
      if (!message.success) return [checkShape(tool, data, yarnLine)];
      if (message.output.type === "error") {
        throw new ParseError(tool, `the audit could not run: ${String(message.output.data)}`);
      }
      return [];
    });
  const bySeverity: Record<string, number> = {};
  const vulnerable = new Set<string>();
  const findings = entries.map(({ value: name, children: advisory }): Finding => {
    const deprecation = String(advisory.ID ?? "").endsWith("(deprecation)");
    if (!deprecation) {
      vulnerable.add(name);
      bySeverity[advisory.Severity] = (bySeverity[advisory.Severity] ?? 0) + 1;
    }
    const range = advisory["Vulnerable Versions"];
    return {
      rule: deprecation
        ? "deprecation"
        : (advisory.URL?.match(/GHSA-[\w-]+$/)?.[0] ?? String(advisory.ID ?? advisory.Issue)),
      message: `${name} (${deprecation ? "deprecated" : advisory.Severity}): ${advisory.Issue}${range ? ` (${range})` : ""}`,
      severity: deprecation ? "info" : (NPM_SEVERITY[advisory.Severity] as Severity),
      tool,
    };
  });
  return { vulnerablePackages: vulnerable.size, bySeverity, skipped: 0, findings };
}
