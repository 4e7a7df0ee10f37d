/**
 * Stand-ins for the Python tools that cannot be installed here (no PyPI):
 * ruff, lizard, deptry, mutmut, import-linter and pip-audit. Each is a
 * shell script on PATH that logs its argv and replays an output recorded in
 * the tool's real format (test/fixtures/gates/outputs, see SOURCES.md), with
 * the recorded project path rewritten to the folder it runs in.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT, tempDir } from "../helpers.ts";

const OUTPUTS = join(PROJECT_ROOT, "test/fixtures/gates/outputs");
const RECORDED_ROOT = "/home/dev/proj";

export interface FakeTools {
  /** Put first on PATH. */
  bin: string;
  /** Every call as argv joined by spaces, the tool's name first. */
  calls(): string[];
}

const quote = (text: string) => `'${text.replaceAll("'", `'"'"'`)}'`;

/** `case` arms: a pattern over "$*", what to print (a recorded file), the exit code. */
export interface Arm {
  pattern: string;
  body: string;
}

/** An arm body printing `lines` (an output written for the fixture at hand) and exiting with `exit`. */
export const prints = (lines: readonly string[], exit = 0) =>
  `printf '%s\\n' ${lines.map(quote).join(" ")}; exit ${exit}`;

const replay = (file: string, exit: number) =>
  `sed "s#${RECORDED_ROOT}#$PWD#g" ${quote(join(OUTPUTS, file))}; exit ${exit}`;

/** Writes the recorded report to the file named after `flag` (deptry's --json-output FILE). */
const replayTo = (flag: string, file: string, exit: number) =>
  `out=""; prev=""; for a in "$@"; do [ "$prev" = ${quote(flag)} ] && out="$a"; prev="$a"; done; sed "s#${RECORDED_ROOT}#$PWD#g" ${quote(join(OUTPUTS, file))} > "$out"; exit ${exit}`;

const TOOLS: Record<string, { version: string; arms: Arm[] }> = {
  ruff: {
    version: "ruff 0.6.9",
    arms: [
      { pattern: "check*--fix-only*", body: "exit 0" },
      { pattern: "check*--output-format=json*", body: replay("ruff/check.json", 1) },
      { pattern: "format*--check*", body: replay("ruff/format-check.txt", 1) },
      { pattern: "format*", body: "echo '1 file reformatted'; exit 0" },
    ],
  },
  lizard: { version: "1.17.10", arms: [{ pattern: "--csv*", body: replay("lizard/calc-py.csv", 0) }] },
  deptry: {
    version: "deptry 0.20.0",
    arms: [{ pattern: "*--json-output*", body: replayTo("--json-output", "deptry/report.json", 1) }],
  },
  "pip-audit": {
    version: "pip-audit 2.7.3",
    arms: [{ pattern: "*--format=json*", body: replay("pip-audit/report.json", 1) }],
  },
  mutmut: {
    version: "mutmut, version 3.2.0",
    arms: [
      {
        pattern: "run*",
        body: `mkdir -p mutants && cp -r ${quote(join(OUTPUTS, "mutmut/mutants"))}/. mutants/; exit 0`,
      },
    ],
  },
};

/** Fake executables for `names` (all of them by default), with their outputs overridable per test. */
export function fakeTools(
  names: readonly string[] = Object.keys(TOOLS),
  overrides: Record<string, Arm[]> = {},
): FakeTools {
  const dir = tempDir("fake-tools-");
  const bin = join(dir, "bin");
  const log = join(dir, "calls.log");
  mkdirSync(bin);
  writeFileSync(log, "");
  for (const name of names) {
    const tool = TOOLS[name];
    if (tool === undefined) throw new Error(`no fake for ${name}`);
    const arms = [...(overrides[name] ?? []), ...tool.arms];
    const script = [
      "#!/bin/sh",
      `printf '%s\\n' ${quote(name)}" $*" >> ${quote(log)}`,
      'case "$*" in',
      `  --version) echo ${quote(tool.version)}; exit 0 ;;`,
      ...arms.map((arm) => `  ${arm.pattern}) ${arm.body} ;;`),
      `  *) echo "fake ${name}: unexpected arguments: $*" >&2; exit 2 ;;`,
      "esac",
      "",
    ].join("\n");
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  return {
    bin,
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== ""),
  };
}
