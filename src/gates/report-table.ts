/**
 * The concise report a person reads on stderr: a row per gate, what went
 * wrong under the gates that failed, and a closing line with the verdict.
 */
import { stripAnsi } from "../core/index.ts";
import type { Finding } from "./findings.ts";
import { type GateResult, type StageReport, VERDICTS, type Verdict } from "./result.ts";

const MAX_FINDINGS = 10;
const MAX_OUTPUT_LINES = 10;
/** ANSI SGR codes that turn each verdict's colour on and off. */
const COLOR: Record<Verdict, readonly [number, number]> = {
  pass: [32, 39],
  fail: [31, 39],
  error: [31, 39],
  warn: [33, 39],
  missing: [33, 39],
  skip: [2, 22],
};
// biome-ignore lint/suspicious/noControlCharactersInRegex: a tool's control characters must not reach the terminal
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

export interface TableOptions {
  /** List the findings of every gate, not only of those that failed or errored. */
  verbose: boolean;
  color: boolean;
}

type Paint = (verdict: Verdict, text: string) => string;

/** A gate's cells as printed, before padding. */
interface Row {
  gate: GateResult;
  id: string;
  summary: string;
  time: string;
}

export function terminalTable(report: StageReport, options: TableOptions): string {
  const paint: Paint = (verdict, text) => {
    const [on, off] = COLOR[verdict];
    return options.color ? `\u001b[${on}m${text}\u001b[${off}m` : text;
  };
  const rows: Row[] = report.gates.map((gate) => ({
    gate,
    id: clean(gate.id),
    summary: truncated(clean(gate.summary)),
    time: duration(gate.durationMs),
  }));
  const widest = (cell: (row: Row) => string) => Math.max(0, ...rows.map((row) => cell(row).length));
  const widths = {
    verdict: widest((row) => row.gate.verdict),
    id: widest((row) => row.id),
    summary: widest((row) => row.summary),
    time: widest((row) => row.time),
  };
  const lines = rows.flatMap((row) => {
    const { verdict, cached } = row.gate;
    const cells = [
      `${paint(verdict, verdict)}${" ".repeat(widths.verdict - verdict.length)}`,
      row.id.padEnd(widths.id),
      row.summary.padEnd(widths.summary),
      row.time.padStart(widths.time),
      cached ? "(cached)" : "",
    ];
    return [cells.join("  ").trimEnd(), ...details(row.gate, options.verbose)];
  });
  return `${[...lines, closing(report, paint)].join("\n")}\n`;
}

/** A summary longer than this is cut in its row (one long error would widen every row) and given whole below it. */
const SUMMARY_WIDTH = 72;

function truncated(summary: string): string {
  return summary.length <= SUMMARY_WIDTH ? summary : `${summary.slice(0, SUMMARY_WIDTH - 3)}...`;
}

function details(gate: GateResult, verbose: boolean): string[] {
  const listed = verbose || gate.verdict === "fail" || gate.verdict === "error";
  const whole = clean(gate.summary);
  const summary = whole.length > SUMMARY_WIDTH ? [whole] : [];
  const findings = listed ? findingLines(gate) : [];
  const output = gate.verdict === "error" && gate.output ? outputTail(gate.output) : [];
  const install = gate.verdict === "missing" && gate.install ? [`install: ${clean(gate.install)}`] : [];
  return [...summary, ...findings, ...output, ...install].map((line) => `  ${line}`);
}

function findingLines(gate: GateResult): string[] {
  const shown = gate.findings.slice(0, MAX_FINDINGS);
  const more = gate.findingsTotal - shown.length;
  return [...shown.map(findingLine), ...(more > 0 ? [`... and ${more} more`] : [])];
}

/** `file:line  rule  message`, leaving out what the finding does not know. */
function findingLine(finding: Finding): string {
  const place =
    finding.file === undefined ? undefined : `${finding.file}${finding.line === undefined ? "" : `:${finding.line}`}`;
  return [place, finding.rule, finding.message]
    .filter((part): part is string => part !== undefined && part !== "")
    .map(clean)
    .join("  ");
}

function outputTail(output: string): string[] {
  return output
    .split(/\r?\n/)
    .slice(-MAX_OUTPUT_LINES)
    .map((line) => stripAnsi(line).replaceAll("\t", "  ").replace(CONTROL, "").trimEnd());
}

/** One line of a tool's text, safe to print: no escape sequences, no line breaks. */
function clean(text: string): string {
  return stripAnsi(text).replace(CONTROL, "").replace(/\s+/g, " ").trim();
}

function closing(report: StageReport, paint: Paint): string {
  const counts = VERDICTS.flatMap((verdict) => {
    const count = report.gates.filter((gate) => gate.verdict === verdict).length;
    return count > 0 ? [`${count} ${verdict}`] : [];
  });
  const total = `${report.gates.length} ${report.gates.length === 1 ? "gate" : "gates"}`;
  const tally = counts.length > 0 ? `${total}: ${counts.join(", ")}` : total;
  return `tollgate ${report.stage}: ${paint(report.verdict, report.verdict)} (${tally}) in ${duration(report.durationMs)}`;
}

function duration(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
