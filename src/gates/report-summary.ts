/**
 * The stage report as GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY: a
 * table of gates, then the findings of each failing or erroring gate. Tool
 * text is escaped everywhere: a message never becomes HTML or table syntax.
 */
import { stripAnsi } from "../core/index.ts";
import type { Finding } from "./findings.ts";
import type { GateResult, Measurement, StageReport } from "./result.ts";

const MAX_FINDINGS = 20;
const MAX_OUTPUT_LINES = 20;
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };
// biome-ignore lint/suspicious/noControlCharactersInRegex: a tool's control characters have no place on the page
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

export function stepSummary(report: StageReport): string {
  const heading = `## tollgate ${report.stage}: ${report.verdict}`;
  if (report.gates.length === 0) return `${heading}\n\nNo gates ran.\n`;
  const details = report.gates.filter((gate) => gate.verdict === "fail" || gate.verdict === "error").map(detailsBlock);
  return `${[heading, table(report.gates), ...details].join("\n\n")}\n`;
}

function table(gates: readonly GateResult[]): string {
  const rows = gates.map((gate) => [
    gate.id,
    gate.verdict,
    gate.measurement === undefined ? gate.summary : value(gate.measurement),
    threshold(gate.measurement),
    `${(gate.durationMs / 1000).toFixed(1)}s`,
    gate.cached ? "yes" : "",
  ]);
  return [
    "| Gate | Verdict | Value | Threshold | Time | Cached |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows.map((cells) => `| ${cells.map(cell).join(" | ")} |`),
  ].join("\n");
}

function value(measurement: Measurement): string {
  return `${Number(measurement.value.toFixed(2))} ${measurement.unit}${measurement.partial ? " (partial)" : ""}`;
}

function threshold(measurement: Measurement | undefined): string {
  if (measurement?.threshold === undefined) return "";
  return `${measurement.comparison ?? ""} ${measurement.threshold}`.trim();
}

function cell(text: string): string {
  return markdown(text).replace(/\r?\n|\r/g, "<br>");
}

/** A collapsed block with up to 20 findings, and the end of the tool's output for an error. */
function detailsBlock(gate: GateResult): string {
  const shown = gate.findings.slice(0, MAX_FINDINGS);
  const more = gate.findingsTotal - shown.length;
  const bullets = [...shown.map(bullet), ...(more > 0 ? [`- ... and ${more} more`] : [])];
  const output = gate.verdict === "error" && gate.output ? [outputBlock(gate.output)] : [];
  const body = [...(bullets.length > 0 ? [bullets.join("\n")] : []), ...output];
  return [`<details><summary>${oneLine(html(`${gate.id}: ${gate.summary}`))}</summary>`, ...body, "</details>"].join(
    "\n\n",
  );
}

function bullet(finding: Finding): string {
  const position = finding.line === undefined ? "" : `:${finding.line}`;
  const place = finding.file === undefined ? [] : [`${finding.file}${position}`];
  const rule = finding.rule === undefined ? [] : [`(${finding.rule})`];
  return `- ${oneLine(markdown([...place, ...rule, finding.message].join(" ")))}`;
}

/** In <pre> Markdown is off and entities still decode, so escaping `<`, `>` and `&` is all it takes. */
function outputBlock(output: string): string {
  return `<pre>${html(output.split(/\r?\n/).slice(-MAX_OUTPUT_LINES).join("\n"))}</pre>`;
}

/** Tool text as Markdown text: no HTML, emphasis, links, code spans or table cells of its own. */
function markdown(text: string): string {
  return html(text).replace(/[\\`*_[\]|~#]/g, (character) => `\\${character}`);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** Text with `<`, `>` and `&` as entities, and without escape sequences or control characters. */
function html(text: string): string {
  return stripAnsi(text)
    .replace(CONTROL, "")
    .replace(/[&<>]/g, (character) => HTML_ESCAPES[character] ?? character);
}
