/**
 * import-linter's `lint-imports` text: one `<contract> KEPT|BROKEN` line per
 * contract, the summary `Contracts: N kept, M broken.`, then under a "Broken
 * contracts" heading each broken contract's imports (`-   a.b -> c.d (l.3)`).
 * A configuration it cannot run with has no summary: that is an error, not
 * a pass.
 */
import { type Finding, ParseError, preview } from "./findings.ts";

const TOOL = "import-linter";

const RESULT = /^(.+) (KEPT|BROKEN)(?: \(\d+ warnings?\))?(?: \[[\d.]+s\])?$/;
const SUMMARY = /^Contracts: (\d+) kept, (\d+) broken\.$/;
const IMPORT = /^-?\s+(\S+) -> (\S+) \(l\.(\d+)/;
const HEADING_RULE = /^-+$/;

export interface ImportLinterReport {
  kept: number;
  broken: number;
  contracts: { name: string; kept: boolean }[];
  findings: Finding[];
}

export function parseImportLinter(text: string): ImportLinterReport {
  const lines = text.split("\n").map((line) => line.trimEnd());
  const summaryAt = lines.findIndex((line) => SUMMARY.test(line));
  if (summaryAt === -1) {
    const problem = lines.find((line) => line.trim() !== "");
    throw new ParseError(
      TOOL,
      `no "Contracts: N kept, M broken." summary (it could not run?): ${preview(problem ?? "")}`,
    );
  }
  const [, kept, broken] = SUMMARY.exec(lines[summaryAt] as string) as RegExpExecArray;
  const contracts = lines.slice(0, summaryAt).flatMap((line) => {
    const match = RESULT.exec(line);
    return match ? [{ name: match[1] as string, kept: match[2] === "KEPT" }] : [];
  });
  const brokenNames = new Set(contracts.filter((item) => !item.kept).map((item) => item.name));
  const findings: Finding[] = [];
  let current: string | undefined;
  const listed = new Set<string>();
  const detailsAt = lines.findIndex((line, index) => line === "Broken contracts" && index > summaryAt);
  for (const [index, line] of lines.entries()) {
    if (detailsAt === -1 || index <= detailsAt) continue;
    if (brokenNames.has(line) && HEADING_RULE.test(lines[index + 1] ?? "")) {
      current = line;
      continue;
    }
    const match = current === undefined ? null : IMPORT.exec(line);
    if (match && current !== undefined) {
      listed.add(current);
      findings.push({
        rule: current,
        message: `${current}: ${match[1]} -> ${match[2]} (line ${match[3]} of ${match[1]})`,
        severity: "error",
        tool: TOOL,
      });
    }
  }
  for (const name of brokenNames) {
    if (!listed.has(name))
      findings.push({ rule: name, message: `${name}: contract broken`, severity: "error", tool: TOOL });
  }
  return { kept: Number(kept), broken: Number(broken), contracts, findings };
}
