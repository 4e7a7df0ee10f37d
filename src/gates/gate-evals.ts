/**
 * Verdicts both toolchains read the same way: a test run, a coverage report,
 * a mutation report, an audit.
 */
import type { GatesConfig } from "./config.ts";
import { AUDIT_SEVERITIES } from "./config-schema.ts";
import type { CoverageReport } from "./coverage.ts";
import type { Finding } from "./findings.ts";
import { atLeast, type Evaluation, plural, round } from "./gate-defs.ts";
import type { MutationReport } from "./mutation.ts";
import type { AuditReport } from "./parse-audit.ts";
import type { TestRunReport } from "./test-run.ts";

export function testEvaluation(run: TestRunReport): Evaluation {
  const broken = run.failed + run.errors;
  const counts = [
    `${run.passed} passed`,
    ...(run.failed > 0 ? [`${run.failed} failed`] : []),
    ...(run.errors > 0 ? [`${run.errors} errored`] : []),
    ...(run.skipped > 0 ? [`${run.skipped} skipped`] : []),
  ].join(", ");
  return {
    // A test gate that ran no test has shown nothing: it does not pass.
    failed: broken > 0 || run.tests - run.skipped === 0,
    summary: run.tests === 0 ? "no tests ran" : counts,
    measurement: { value: broken, unit: "failed tests", threshold: 0, comparison: "<=" },
    findings: run.findings,
  };
}

export function coverageEvaluation(report: CoverageReport, config: GatesConfig, tool: string): Evaluation {
  const { line_min: lineMin, branch_min: branchMin } = config.coverage;
  const lines = atLeast(report.lines.percent, lineMin, "% lines covered");
  const branchesFailed = report.branches !== undefined && report.branches.percent < branchMin;
  const findings: Finding[] = report.files
    .map((file) => ({ file, covered: file.lines.filter((line) => line.hits > 0).length, total: file.lines.length }))
    .filter(({ total, covered }) => total > 0 && (covered / total) * 100 < lineMin)
    .sort((a, b) => a.covered / a.total - b.covered / b.total)
    .map(({ file, covered, total }) => ({
      file: file.file,
      rule: "coverage",
      message: `${round((covered / total) * 100)}% of lines covered (${covered}/${total}), below ${lineMin}%`,
      severity: "warning",
      tool,
    }));
  const branches =
    report.branches === undefined ? "" : `, ${round(report.branches.percent)}% branches (>= ${branchMin})`;
  return {
    failed: lines.failed || branchesFailed,
    summary: `${round(report.lines.percent)}% lines (>= ${lineMin})${branches}`,
    measurement: lines.measurement,
    findings,
  };
}

export function mutationEvaluation(report: MutationReport, config: GatesConfig): Evaluation {
  const { counts } = report;
  const partial = report.partial ? " (partial: stopped before every mutant ran)" : "";
  if (report.score === undefined) {
    return { failed: true, summary: `no mutant was judged${partial}`, findings: report.findings };
  }
  const survived = counts.survived + counts.noCoverage;
  const check = atLeast(report.score, config.mutation.score_min, "% mutation score");
  return {
    failed: check.failed,
    summary: `${round(report.score)}% mutation score (>= ${config.mutation.score_min}): ${counts.killed} killed, ${plural(survived, "survivor")}, ${counts.timeout} timed out${partial}`,
    measurement: { ...check.measurement, ...(report.partial ? { partial: true } : {}) },
    findings: report.findings,
  };
}

const SEVERITY_RANK: Record<string, number> = Object.fromEntries(AUDIT_SEVERITIES.map((name, index) => [name, index]));

/**
 * Vulnerabilities at or above `audit.fail_on` fail the gate. pip-audit rates
 * no severity ("unknown"): an unrated advisory fails, since nothing says it is minor.
 */
export function auditEvaluation(report: AuditReport, config: GatesConfig): Evaluation {
  const threshold = SEVERITY_RANK[config.audit.fail_on] ?? 0;
  const failing = Object.entries(report.bySeverity)
    .filter(([severity]) => (SEVERITY_RANK[severity] ?? Number.POSITIVE_INFINITY) >= threshold)
    .reduce((sum, [, count]) => sum + count, 0);
  const all = Object.values(report.bySeverity).reduce((sum, count) => sum + count, 0);
  const skipped = report.skipped > 0 ? `; ${plural(report.skipped, "package")} not audited` : "";
  return {
    failed: failing > 0,
    summary:
      all === 0
        ? `no known vulnerabilities${skipped}`
        : `${plural(all, "advisory", "advisories")} in ${plural(report.vulnerablePackages, "package")}, ${failing} rated ${config.audit.fail_on} or above, or unrated${skipped}`,
    measurement: { value: failing, unit: `advisories >= ${config.audit.fail_on}`, threshold: 0, comparison: "<=" },
    findings: report.findings,
  };
}
