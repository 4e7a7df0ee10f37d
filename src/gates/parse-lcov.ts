/**
 * lcov tracefiles (`lcov.info`) as bun, node --test, vitest, jest and c8
 * write them: records `SF:` ... `end_of_record` with `FN:`/`FNDA:` (functions),
 * `DA:` (line hits) and `BRDA:` (branches). The summary lines (LF/LH, FNF/FNH,
 * BRF/BRH) restate the detail and are not read: totals are computed from the
 * detail, so a report and its summary cannot disagree.
 */
import {
  type CoverageReport,
  coverageReport,
  type FileCoverage,
  type FunctionCoverage,
  type LineHits,
  mergeLines,
} from "./coverage.ts";
import { ParseError, type ParseOptions, preview, projectPath } from "./findings.ts";

const TOOL = "lcov";

interface LcovRecord {
  file: string;
  lines: LineHits[];
  functionLines: Map<string, { line: number; endLine?: number }>;
  functionHits: Map<string, number>;
  branches: { covered: number; total: number } | undefined;
}

export function parseLcov(text: string, options: ParseOptions): CoverageReport {
  if (text.trim() === "") throw new ParseError(TOOL, "expected lcov records, got nothing");
  const records: LcovRecord[] = [];
  let current: LcovRecord | undefined;
  const lines = text.split("\n");
  for (const [index, raw] of lines.entries()) {
    const entry = raw.trim();
    if (entry === "") continue;
    const colon = entry.indexOf(":");
    const key = colon === -1 ? entry : entry.slice(0, colon);
    const value = colon === -1 ? "" : entry.slice(colon + 1);
    const where = `line ${index + 1}`;
    if (key === "SF") {
      if (current) throw new ParseError(TOOL, `${where}: SF before the end_of_record of ${current.file}`);
      current = { file: value, lines: [], functionLines: new Map(), functionHits: new Map(), branches: undefined };
      continue;
    }
    if (key === "TN" || key === "VER") continue;
    if (!current) throw new ParseError(TOOL, `${where}: expected SF: to open a record, got ${preview(entry)}`);
    if (key === "end_of_record") {
      records.push(current);
      current = undefined;
    } else if (key === "DA") {
      const [line = "", hits = ""] = value.split(",");
      current.lines.push({ line: integer(line, where), hits: integer(hits, where) });
    } else if (key === "FN") {
      readFunction(current, value, where);
    } else if (key === "FNDA") {
      const comma = value.indexOf(",");
      current.functionHits.set(value.slice(comma + 1), integer(value.slice(0, comma), where));
    } else if (key === "BRDA") {
      const taken = value.split(",")[3];
      if (taken === undefined) throw new ParseError(TOOL, `${where}: BRDA needs four fields, got ${preview(value)}`);
      const branches = current.branches ?? { covered: 0, total: 0 };
      branches.total += 1;
      if (taken !== "-" && Number(taken) > 0) branches.covered += 1;
      current.branches = branches;
    }
  }
  if (current) throw new ParseError(TOOL, `truncated: the record of ${current.file} has no end_of_record`);
  return coverageReport(mergeRecords(records, options.root));
}

/** `FN:<start>,<name>` or, since lcov 2.0, `FN:<start>,<end>,<name>`. */
function readFunction(record: LcovRecord, value: string, where: string): void {
  const match = /^(\d+),(?:(\d+),)?(.*)$/.exec(value);
  if (!match) throw new ParseError(TOOL, `${where}: expected FN:<line>,<name>, got ${preview(value)}`);
  const position: { line: number; endLine?: number } = { line: Number(match[1]) };
  if (match[2] !== undefined) position.endLine = Number(match[2]);
  record.functionLines.set(match[3] as string, position);
}

function integer(field: string, where: string): number {
  const value = Number(field);
  if (field.trim() === "" || !Number.isInteger(value) || value < 0) {
    throw new ParseError(TOOL, `${where}: expected a non-negative integer, got ${preview(field)}`);
  }
  return value;
}

/** Several records may name one file (one per test run): their hits add up. */
function mergeRecords(records: LcovRecord[], root: string): FileCoverage[] {
  const byFile = new Map<string, LcovRecord[]>();
  for (const record of records) {
    const file = projectPath(record.file, root);
    byFile.set(file, [...(byFile.get(file) ?? []), record]);
  }
  return [...byFile].map(([file, group]) => {
    const coverage: FileCoverage = {
      file,
      lines: mergeLines(group.flatMap((record) => record.lines)),
      functions: mergeFunctions(group),
    };
    const branches = group.flatMap((record) => (record.branches ? [record.branches] : []));
    if (branches.length > 0) {
      coverage.branches = {
        covered: branches.reduce((sum, item) => sum + item.covered, 0),
        total: branches.reduce((sum, item) => sum + item.total, 0),
      };
    }
    return coverage;
  });
}

function mergeFunctions(group: LcovRecord[]): FunctionCoverage[] {
  const byName = new Map<string, FunctionCoverage>();
  for (const record of group) {
    for (const [name, position] of record.functionLines) {
      const hits = record.functionHits.get(name);
      const known = byName.get(name);
      if (!known) {
        byName.set(name, hits === undefined ? { name, ...position } : { name, ...position, hits });
      } else if (hits !== undefined) {
        known.hits = (known.hits ?? 0) + hits;
      }
    }
  }
  return [...byName.values()];
}
