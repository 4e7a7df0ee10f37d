/**
 * mutmut 3.x results, from its per-file state `mutants/<file>.meta` (JSON:
 * exit_code_by_key maps each mutant to its test run's exit code, null until
 * run) or from `mutmut results` (lines `    <mutant>: <status>`; killed
 * mutants are listed only with `--all true`). The exit-code table is
 * mutmut's own (`status_by_exit_code`, 3.x): an unknown code is
 * "suspicious", as there.
 */
import * as v from "valibot";
import { type Finding, ParseError, type ParseOptions, preview, projectPath } from "./findings.ts";
import {
  emptyCounts,
  type MutationCounts,
  type MutationOptions,
  type MutationReport,
  mutationReport,
} from "./mutation.ts";
import { readJson } from "./read-json.ts";

const TOOL = "mutmut";

const STATUS_BY_EXIT_CODE = new Map<number | null, string>([
  [0, "survived"],
  [1, "killed"],
  [3, "killed"],
  [2, "check was interrupted by user"],
  [5, "no tests"],
  [33, "no tests"],
  [34, "skipped"],
  [35, "suspicious"],
  [36, "timeout"],
  [37, "caught by type check"],
  [-24, "timeout"],
  [24, "timeout"],
  [152, "timeout"],
  [255, "timeout"],
  [-11, "segfault"],
  [-9, "segfault"],
  [null, "not checked"],
]);

const KIND_BY_STATUS: Record<string, keyof MutationCounts> = {
  killed: "killed",
  "caught by type check": "killed",
  survived: "survived",
  "no tests": "noCoverage",
  timeout: "timeout",
  suspicious: "errors",
  segfault: "errors",
  skipped: "ignored",
  "not checked": "pending",
  "check was interrupted by user": "pending",
};

const metaSchema = v.object(
  { exit_code_by_key: v.record(v.string(), v.nullable(v.number())) },
  "expected a mutmut .meta document with exit_code_by_key",
);

export interface MutmutMetaFile {
  /** The .meta file's path, e.g. `mutants/pkg/calc.py.meta`: the source file is read from it. */
  path: string;
  text: string;
}

export function parseMutmutMeta(
  files: readonly MutmutMetaFile[],
  options: ParseOptions & MutationOptions,
): MutationReport {
  if (files.length === 0) throw new ParseError(TOOL, "expected mutants/*.meta files, found none");
  const mutants = files.flatMap((meta) => {
    const { exit_code_by_key: codes } = readJson(TOOL, meta.text, metaSchema);
    const file = projectPath(sourceOf(meta.path), options.root);
    return Object.entries(codes).map(([key, code]) => ({
      key,
      file,
      status: STATUS_BY_EXIT_CODE.get(code) ?? "suspicious",
    }));
  });
  return report(mutants, options);
}

/** `mutants/pkg/calc.py.meta` -> `pkg/calc.py` (mutmut mirrors the project under mutants/). */
function sourceOf(metaPath: string): string {
  const path = metaPath.replaceAll("\\", "/").replace(/\.meta$/, "");
  const at = path.lastIndexOf("mutants/");
  return at === -1 ? path : path.slice(at + "mutants/".length);
}

const RESULT_LINE = /^\s+(\S+): ([a-z][a-z ]*)$/;

/**
 * `mutmut results` text. Without `--all true` it leaves out killed mutants, so
 * the caller says which it ran: without `all`, no score.
 */
export function parseMutmutResults(text: string, options: MutationOptions & { all: boolean }): MutationReport {
  const mutants = text
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = RESULT_LINE.exec(line.trimEnd());
      if (!match || KIND_BY_STATUS[match[2] as string] === undefined) {
        throw new ParseError(TOOL, `expected "    <mutant>: <status>" lines, got ${preview(line)}`);
      }
      return { key: match[1] as string, status: match[2] as string };
    });
  const result = report(mutants, options);
  return options.all ? result : { ...result, score: undefined };
}

function report(mutants: { key: string; file?: string; status: string }[], options: MutationOptions): MutationReport {
  const counts = emptyCounts();
  const findings: Finding[] = [];
  for (const mutant of mutants) {
    const kind = KIND_BY_STATUS[mutant.status] ?? "errors";
    counts[kind] += 1;
    if (kind !== "survived" && kind !== "noCoverage") continue;
    const finding: Finding = {
      rule: mutant.status,
      message: `${kind === "survived" ? "Survived" : "No test covers"}: ${mutant.key} (mutmut show ${mutant.key})`,
      severity: "warning",
      tool: TOOL,
    };
    if (mutant.file !== undefined) finding.file = mutant.file;
    findings.push(finding);
  }
  return mutationReport(counts, findings, options);
}
