/**
 * The stage report as one SARIF 2.1.0 log for code scanning: a run per tool,
 * results located relative to %SRCROOT% (the project root). A gate that could
 * not run (error, missing) shows as a failed invocation, so a crashed or
 * absent linter does not read as a clean one.
 */
import type { Finding, Severity } from "./findings.ts";
import type { GateResult, StageReport } from "./result.ts";

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const SRCROOT = "%SRCROOT%";
const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };
const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

interface Notification {
  level: "error" | "warning" | "note";
  message: { text: string };
}

/** What one tool contributed across the stage's gates. */
interface ToolRun {
  name: string;
  version?: string;
  findings: Finding[];
  notifications: Notification[];
  failed: boolean;
}

export function sarifReport(report: StageReport): string {
  const runs = [...toolRuns(report.gates).values()]
    .sort((a, b) => compare(a.name, b.name))
    .map((run) => sarifRun(run, report.root));
  return `${JSON.stringify({ $schema: SCHEMA, version: "2.1.0", runs }, null, 2)}\n`;
}

function toolRuns(gates: readonly GateResult[]): Map<string, ToolRun> {
  const runs = new Map<string, ToolRun>();
  const runFor = (name: string, version: string | undefined): ToolRun => {
    const run = runs.get(name) ?? { name, findings: [], notifications: [], failed: false };
    run.version ??= version;
    runs.set(name, run);
    return run;
  };
  for (const gate of gates) {
    for (const finding of gate.findings) runFor(finding.tool, gate.toolVersion).findings.push(finding);
    const notification = gateNotification(gate);
    if (notification === undefined) continue;
    const run = runFor(gate.tool ?? gate.gate, gate.toolVersion);
    run.notifications.push(notification);
    run.failed ||= gate.verdict === "error" || gate.verdict === "missing";
  }
  return runs;
}

/** Why a gate's results are not the whole story: it did not run, or its findings were capped. */
function gateNotification(gate: GateResult): Notification | undefined {
  if (gate.verdict === "error") return notification("error", `${gate.id}: ${gate.summary}`);
  if (gate.verdict === "missing") {
    const install = gate.install === undefined ? "" : ` (install: ${gate.install})`;
    return notification("warning", `${gate.id}: ${gate.summary}${install}`);
  }
  const unlisted = gate.findingsTotal - gate.findings.length;
  if (unlisted > 0) return notification("note", `${gate.id}: ${unlisted} more findings not listed`);
  return undefined;
}

function notification(level: Notification["level"], text: string): Notification {
  return { level, message: { text } };
}

function sarifRun(run: ToolRun, root: string): Record<string, unknown> {
  const rules = [...new Set(run.findings.flatMap((finding) => (finding.rule === undefined ? [] : [finding.rule])))];
  const driver = {
    name: run.name,
    ...(run.version === undefined ? {} : { version: run.version }),
    rules: rules.sort(compare).map((id) => ({ id })),
  };
  return {
    tool: { driver },
    ...(run.notifications.length === 0
      ? {}
      : {
          invocations: [{ executionSuccessful: !run.failed, toolExecutionNotifications: run.notifications }],
        }),
    originalUriBaseIds: { [SRCROOT]: { uri: fileUri(root, true) } },
    results: run.findings.map(result),
  };
}

function result(finding: Finding): Record<string, unknown> {
  return {
    ...(finding.rule === undefined ? {} : { ruleId: finding.rule }),
    level: LEVEL[finding.severity],
    message: { text: finding.message },
    ...(finding.file === undefined ? {} : { locations: [location(finding.file, finding)] }),
  };
}

function location(file: string, finding: Finding): Record<string, unknown> {
  const artifactLocation = isAbsolute(file)
    ? { uri: fileUri(file, false) }
    : { uri: encodePath(file), uriBaseId: SRCROOT };
  const region = textRegion(finding);
  return { physicalLocation: { artifactLocation, ...(region === undefined ? {} : { region }) } };
}

/** A column without a line is no position SARIF can show, so it goes with the line. */
function textRegion({ line, column }: Finding): Record<string, number> | undefined {
  if (!isPosition(line)) return undefined;
  return isPosition(column) ? { startLine: line, startColumn: column } : { startLine: line };
}

function isPosition(value: number | undefined): value is number {
  return value !== undefined && Number.isInteger(value) && value >= 1;
}

function isAbsolute(path: string): boolean {
  return path.startsWith("/") || WINDOWS_ABSOLUTE.test(path);
}

/** `/home/a b` -> `file:///home/a%20b/`; `C:\repo` -> `file:///C%3A/repo/`. */
function fileUri(path: string, directory: boolean): string {
  const slashed = WINDOWS_ABSOLUTE.test(path) ? `/${path.replaceAll("\\", "/")}` : path;
  const trailing = directory && !slashed.endsWith("/") ? "/" : "";
  return `file://${encodePath(slashed)}${trailing}`;
}

function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
