/**
 * The stage commands (`check`, `ci`, `pre-commit`, `nightly`, `post-edit`)
 * and `gate NAME`: one command surface over every gate, with the terminal
 * table on stderr, `--json` on stdout, and the report files asked for.
 */
import { appendFileSync, existsSync, lstatSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ArgsDef } from "citty";
import {
  checkStateDir,
  defineCommand,
  describeFsError,
  EnvironmentError,
  ExitCode,
  findProjectRoot,
  isTollgateError,
  jsonArg,
  optionalValue,
  printJson,
  projectStateDir,
  UserError,
  useColor,
  withStateDir,
  writeFileAtomic,
  writeStderr,
} from "../core/index.ts";
import { loadSigningKey, type SigningKey, signEvidence } from "../receipts/index.ts";
import { configFlagArgs, flagOverrides } from "./config-flags.ts";
import { GATE_NAMES } from "./config-schema.ts";
import { junitReport } from "./report-junit.ts";
import { sarifReport } from "./report-sarif.ts";
import { stepSummary } from "./report-summary.ts";
import { terminalTable } from "./report-table.ts";
import type { Stage, StageReport } from "./result.ts";
import { type GatesRequest, runGates } from "./run-gates.ts";

const stageArgs = {
  ...configFlagArgs,
  changed: {
    type: "string",
    description: "Check file-level gates only on files changed since REF's merge base (--changed: origin/HEAD or main)",
    valueHint: "REF",
    ...optionalValue,
  },
  cache: {
    type: "boolean",
    default: true,
    description: "Reuse results of unchanged gates (--no-cache: run every tool)",
  },
  verbose: { type: "boolean", description: "List the findings of every gate, not only the failing ones" },
  sarif: { type: "string", description: "Write a SARIF 2.1.0 file of every finding", valueHint: "FILE" },
  junit: { type: "string", description: "Write a JUnit XML file, one test case per gate", valueHint: "FILE" },
  key: { type: "string", description: "Sign the evidence (.tollgate/evidence.jws) with this key (kid or PEM path)" },
  ...jsonArg,
} as const satisfies ArgsDef;

interface StageArgs {
  preset?: string;
  "coverage-min"?: string;
  skip?: string;
  only?: string;
  sandbox?: boolean;
  changed?: string;
  cache?: boolean;
  verbose?: boolean;
  sarif?: string;
  junit?: string;
  key?: string;
  json?: boolean;
}

/** Where the reports go and the signing key, checked before anything runs: a bad --sarif path must not cost a whole run. */
interface Outputs {
  sarif?: string;
  junit?: string;
  key?: SigningKey;
}

async function prepareOutputs(args: StageArgs): Promise<Outputs> {
  const target = (flag: string, file: string) => {
    const path = resolve(process.cwd(), file);
    if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
      throw new UserError("BAD_ARGUMENTS", `--${flag} ${file}: the folder ${dirname(path)} does not exist`);
    }
    return path;
  };
  return {
    ...(args.sarif ? { sarif: target("sarif", args.sarif) } : {}),
    ...(args.junit ? { junit: target("junit", args.junit) } : {}),
    ...(args.key ? { key: await loadSigningKey(args.key) } : {}),
  };
}

/** A report file; one that cannot be written is the environment's failure (exit 4), never silently missing. */
function writeReport(path: string, text: string, what: string, append = false): void {
  try {
    if (append) appendFileSync(path, text);
    else writeFileAtomic(path, text, { mode: 0o644 });
  } catch (error) {
    throw new EnvironmentError("REPORT_UNWRITABLE", `could not write ${what} ${path}: ${describeFsError(error)}`);
  }
}

async function writeOutputs(report: StageReport, notes: string[], args: StageArgs, outputs: Outputs): Promise<void> {
  if (args.json) printJson({ ...report, notes });
  else {
    for (const note of notes) writeStderr(`note: ${note}\n`);
    writeStderr(terminalTable(report, { verbose: args.verbose === true, color: useColor(2) }));
  }
  if (outputs.sarif) writeReport(outputs.sarif, sarifReport(report), "the SARIF report");
  if (outputs.junit) writeReport(outputs.junit, junitReport(report), "the JUnit report");
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile)
    writeReport(summaryFile, `${stepSummary(report)}\n`, "the step summary ($GITHUB_STEP_SUMMARY)", true);
  const evidence = `${JSON.stringify(report, null, 2)}\n`;
  const jws = outputs.key ? await signEvidence(evidence, outputs.key) : undefined;
  // Never through a symlink, never into another user's folder: withStateDir checks and holds the folder.
  withStateDir(projectStateDir(report.root), (stateDir) => {
    // As pytest does for its cache: git, and the tools that honour .gitignore, leave tollgate's state alone.
    const ignore = join(stateDir, ".gitignore");
    if (!lstatExists(ignore)) writeFileAtomic(ignore, "*\n", { mode: 0o644 });
    writeFileAtomic(join(stateDir, "evidence.json"), evidence, { mode: 0o644 });
    if (jws !== undefined) writeFileAtomic(join(stateDir, "evidence.jws"), `${jws}\n`, { mode: 0o644 });
  });
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

async function runStageCommand(stage: Exclude<Stage, "gate">, args: StageArgs, gate?: string): Promise<number> {
  const root = findProjectRoot();
  // A .tollgate that is a symlink, a file or another user's is refused before anything runs (post-edit only advises).
  if (stage !== "post-edit") checkStateDir(projectStateDir(root));
  const request: GatesRequest = {
    root,
    stage,
    flags: flagOverrides(args),
    useCache: args.cache !== false,
    ...(args.changed === undefined ? {} : { changed: args.changed }),
    ...(gate === undefined ? {} : { gate }),
  };
  const outputs = await prepareOutputs(args);
  const reports = [outputs.sarif, outputs.junit].filter((path) => path !== undefined);
  if (reports.length > 0) request.outputs = reports;
  if (stage === "post-edit") return advise(request, args, outputs);
  const { report, notes } = await runGates(request);
  await writeOutputs(report, notes, args, outputs);
  return report.verdict === "pass" ? ExitCode.ok : ExitCode.checkFailed;
}

/**
 * post-edit runs in an agent's edit hook: it fixes what it can and reports,
 * and its exit code never stops the agent, not even when it could not run
 * (no git repository, a config typo): it says why on stderr instead.
 */
async function advise(request: GatesRequest, args: StageArgs, outputs: Outputs): Promise<number> {
  try {
    const { report, notes } = await runGates(request);
    await writeOutputs(report, notes, args, outputs);
  } catch (error) {
    if (!isTollgateError(error)) throw error;
    writeStderr(`tollgate post-edit: ${error.message} (advisory: nothing was fixed; exit 0)\n`);
  }
  return ExitCode.ok;
}

const stageCommand = (stage: Exclude<Stage, "gate">, description: string) =>
  defineCommand({
    meta: { name: stage, description },
    args: stageArgs,
    run: ({ args }) => runStageCommand(stage, args),
  });

export const checkCommand = stageCommand(
  "check",
  "Local loop: fix and format, then lint, typecheck and tests in parallel; advisory deps and cached CRAP",
);
export const ciCommand = stageCommand(
  "ci",
  "Every gate that decides a merge, in parallel where safe; no file is modified",
);
export const preCommitCommand = stageCommand(
  "pre-commit",
  "Fix, format and lint the staged files; re-stage fixed files that had no unstaged changes",
);
export const nightlyCommand = stageCommand("nightly", "The ci gates plus dependency audit and full mutation testing");
export const postEditCommand = stageCommand(
  "post-edit",
  "Advisory fix and format of uncommitted files (for an agent's edit hook); always exits 0",
);

export const gateCommand = defineCommand({
  meta: { name: "gate", description: "Run one gate (or one custom gate) as ci would" },
  args: {
    name: {
      type: "positional",
      description: `One of: ${GATE_NAMES.join(", ")}, or a custom gate's name`,
      required: true,
    },
    ...stageArgs,
  },
  run: ({ args }) => runStageCommand("ci", args, args.name),
});
