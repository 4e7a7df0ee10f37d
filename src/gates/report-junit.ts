/**
 * The stage report as JUnit XML, for CI test dashboards: a test case per
 * gate, in a suite per project. fail is a <failure>, error an <error>, skip
 * and missing are <skipped>, and warn passes with its reasons in <system-out>.
 */
import type { Finding } from "./findings.ts";
import type { GateResult, StageReport, Verdict } from "./result.ts";

const MAX_FINDINGS = 100;

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters XML 1.0 cannot hold
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\p{Cs}]/gu;
const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
// Newlines and tabs in an attribute would become spaces when read back, so they go as references.
const ATTRIBUTE_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': "&quot;", "\n": "&#10;", "\t": "&#9;" };

export function junitReport(report: StageReport): string {
  const classname = `tollgate.${report.stage}`;
  const suites = [...bySuite(report.gates, report.stage)].map(([name, gates]) =>
    element(
      "testsuite",
      { name, ...counts(gates), time: seconds(gates.reduce((sum, gate) => sum + gate.durationMs, 0)) },
      gates.map((gate) => testCase(gate, classname)),
    ),
  );
  const attributes = { name: `tollgate ${report.stage}`, ...counts(report.gates), time: seconds(report.durationMs) };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element("testsuites", attributes, suites)}\n`;
}

/** Gates by project folder, in report order; gates over the whole repository in a suite named after the stage. */
function bySuite(gates: readonly GateResult[], stage: string): Map<string, GateResult[]> {
  const suites = new Map<string, GateResult[]>();
  for (const gate of gates) {
    const name = gate.project ?? stage;
    suites.set(name, [...(suites.get(name) ?? []), gate]);
  }
  return suites;
}

function counts(gates: readonly GateResult[]): Record<string, number> {
  const counted = (...verdicts: Verdict[]) => gates.filter((gate) => verdicts.includes(gate.verdict)).length;
  return {
    tests: gates.length,
    failures: counted("fail"),
    errors: counted("error"),
    skipped: counted("skip", "missing"),
  };
}

function testCase(gate: GateResult, classname: string): string {
  const attributes = { classname, name: gate.id, time: seconds(gate.durationMs) };
  return element("testcase", attributes, outcome(gate));
}

function outcome(gate: GateResult): string[] {
  const reason = { message: gate.summary, type: gate.gate };
  switch (gate.verdict) {
    case "fail":
      return [element("failure", reason, details(gate))];
    case "error":
      return [element("error", reason, details(gate))];
    case "skip":
      return [element("skipped", { message: gate.summary })];
    case "missing": {
      const install = gate.install === undefined ? "" : ` (install: ${gate.install})`;
      return [element("skipped", { message: `${gate.summary}${install}` })];
    }
    case "warn":
      return [element("system-out", {}, [gate.summary, details(gate)].filter((part) => part !== "").join("\n"))];
    case "pass":
      return [];
  }
}

/** The findings, or the tool's own output when it gave none to list. */
function details(gate: GateResult): string {
  if (gate.findings.length === 0) return gate.output ?? "";
  const shown = gate.findings.slice(0, MAX_FINDINGS);
  const more = gate.findingsTotal - shown.length;
  return [...shown.map(findingLine), ...(more > 0 ? [`... and ${more} more`] : [])].join("\n");
}

/** `file:line:col rule message`, leaving out what the finding does not know. */
function findingLine(finding: Finding): string {
  const position =
    finding.line === undefined ? [] : [finding.line, ...(finding.column === undefined ? [] : [finding.column])];
  const place = finding.file === undefined ? undefined : [finding.file, ...position].join(":");
  return [place, finding.rule, finding.message].filter((part) => part !== undefined && part !== "").join(" ");
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** An element with escaped attributes; `body` is text (escaped here) or already-built child elements. */
function element(name: string, attributes: Record<string, string | number>, body: string | string[] = []): string {
  const attributeText = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value), ATTRIBUTE_ESCAPES)}"`)
    .join("");
  const content = typeof body === "string" ? escapeXml(body, TEXT_ESCAPES) : body.join("\n");
  if (content === "") return `<${name}${attributeText}/>`;
  return typeof body === "string"
    ? `<${name}${attributeText}>${content}</${name}>`
    : `<${name}${attributeText}>\n${content}\n</${name}>`;
}

function escapeXml(text: string, escapes: Record<string, string>): string {
  return text.replace(ILLEGAL, "").replace(/[&<>"\r\n\t]/g, (character) => escapes[character] ?? character);
}
