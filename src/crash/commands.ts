/**
 * `tollgate crash ...`: the reports saved on this machine. Data the user asks
 * for (`show` bytes, `--json` documents, the URL of `report`) goes to stdout,
 * everything else to stderr.
 */
import {
  canPrompt,
  defineCommand,
  ExitCode,
  isCI,
  jsonArg,
  printJson,
  UserError,
  writeStderr,
  writeStdout,
} from "../core/index.ts";
import { openInBrowser } from "./browser.ts";
import {
  CONSENT_SETTINGS,
  type ConsentSetting,
  consentFile,
  PROMPT_BLOCK_REASONS,
  promptBlock,
  readConsent,
  writeConsent,
} from "./consent.ts";
import { offerToFile } from "./filing.ts";
import { FINGERPRINT_PATTERN } from "./fingerprint.ts";
import { issueDraft } from "./issue-url.ts";
import { type CrashReport, parseReport } from "./payload.ts";
import { crashesDir, listReports, readReportBytes, removeReport, reportFile, type StoredReport } from "./store.ts";

const LIST_HINT = 'run "tollgate crash list" to see the saved reports';

const idArg = {
  id: {
    type: "positional",
    description: "Report id: 16 hex digits, as printed by tollgate crash list",
    required: true,
  },
} as const;

function checkId(id: unknown): string {
  if (typeof id !== "string" || !FINGERPRINT_PATTERN.test(id)) {
    throw new UserError("BAD_CRASH_ID", `a crash report id is 16 hex digits (0-9, a-f); ${LIST_HINT}`);
  }
  return id;
}

function storedBytes(id: string): Uint8Array {
  const bytes = readReportBytes(crashesDir(), id);
  if (!bytes) throw new UserError("CRASH_NOT_FOUND", `no crash report ${id}; ${LIST_HINT}`);
  return bytes;
}

function storedReport(id: string): CrashReport {
  const report = parseReport(new TextDecoder().decode(storedBytes(id)));
  if (!report) {
    throw new UserError(
      "CRASH_DAMAGED",
      `crash report ${id} is not a valid report (damaged or edited); remove it with "tollgate crash rm ${id}"`,
    );
  }
  return report;
}

/** One line per report: id, when, how often, what and where. */
function describeStored(stored: StoredReport): string {
  const { report } = stored;
  if (!report) return `${stored.fingerprint}  (damaged: remove it with "tollgate crash rm ${stored.fingerprint}")`;
  const when = report.timestamp.slice(0, 16).replace("T", " ");
  const where = report.command === "" ? "tollgate" : `tollgate ${report.command}`;
  return `${stored.fingerprint}  ${when} UTC  ${report.count}x  ${report.exception} in "${where}"`;
}

const list = defineCommand({
  meta: { name: "list", description: "List the crash reports saved on this machine, newest first" },
  args: { ...jsonArg },
  run({ args }) {
    const dir = crashesDir();
    const reports = listReports(dir);
    if (args.json) {
      printJson({
        dir,
        reports: reports.map((stored) =>
          stored.report
            ? { file: stored.file, ...stored.report }
            : { fingerprint: stored.fingerprint, file: stored.file, damaged: true },
        ),
      });
      return ExitCode.ok;
    }
    if (reports.length === 0) {
      writeStderr(`No crash reports saved (they would be in ${dir}).\n`);
      return ExitCode.ok;
    }
    writeStderr(
      `${reports.map(describeStored).join("\n")}\n\n${reports.length} report${reports.length === 1 ? "" : "s"} in ${dir}. ` +
        'See one with "tollgate crash show <id>", file it with "tollgate crash report <id>".\n',
    );
    return ExitCode.ok;
  },
});

const show = defineCommand({
  meta: {
    name: "show",
    description: "Print a saved crash report: the exact bytes stored, which are all that filing would send",
  },
  args: { ...idArg, ...jsonArg },
  run({ args }) {
    const id = checkId(args.id);
    if (args.json) printJson({ file: reportFile(crashesDir(), id), report: storedReport(id) });
    else writeStdout(storedBytes(id));
    return ExitCode.ok;
  },
});

const report = defineCommand({
  meta: {
    name: "report",
    description:
      "File a saved crash report as a pre-filled GitHub issue: shows it, asks, then opens your browser (without a terminal: prints the URL only)",
  },
  args: { ...idArg },
  async run({ args }) {
    const id = checkId(args.id);
    const saved = storedReport(id);
    if (!canPrompt() || isCI()) {
      writeStdout(`${issueDraft(saved).url}\n`);
      writeStderr(
        `No terminal to confirm on, so no browser was opened. To file the report, open the URL above; it holds the report "tollgate crash show ${id}" prints.\n`,
      );
      return ExitCode.ok;
    }
    const answer = await offerToFile(saved, {
      input: process.stdin,
      output: process.stderr,
      urlOutput: process.stdout,
      openUrl: (url) => openInBrowser(url),
      env: process.env,
      now: () => new Date(),
    });
    if (answer === "interrupted") return ExitCode.interrupted;
    if (answer === "no") writeStderr("Not filed.\n");
    return ExitCode.ok;
  },
});

const rm = defineCommand({
  meta: { name: "rm", description: "Remove a saved crash report, or all of them with --all" },
  args: {
    id: {
      type: "positional",
      description: "Report id: 16 hex digits, as printed by tollgate crash list",
      required: false,
    },
    all: { type: "boolean", description: "Remove every saved crash report" },
  },
  run({ args }) {
    const dir = crashesDir();
    if (args.all) {
      if (args.id !== undefined) throw new UserError("BAD_ARGUMENTS", "give a report id or --all, not both");
      const removed = listReports(dir).filter((stored) => removeReport(dir, stored.fingerprint)).length;
      writeStderr(`Removed ${removed} crash report${removed === 1 ? "" : "s"}.\n`);
      return ExitCode.ok;
    }
    if (args.id === undefined) throw new UserError("BAD_ARGUMENTS", `give a report id or --all; ${LIST_HINT}`);
    const id = checkId(args.id);
    if (!removeReport(dir, id)) throw new UserError("CRASH_NOT_FOUND", `no crash report ${id}; ${LIST_HINT}`);
    writeStderr(`Removed crash report ${id}.\n`);
    return ExitCode.ok;
  },
});

const consent = defineCommand({
  meta: {
    name: "consent",
    description:
      'Whether tollgate asks to file a crash report after a crash: "ask" (default) or "never"; no argument prints the setting',
  },
  args: {
    setting: { type: "positional", description: "ask or never", required: false },
    ...jsonArg,
  },
  run({ args }) {
    const file = consentFile();
    const current = readConsent(file);
    if (args.setting === undefined) {
      const block = promptBlock({ consent: current, env: process.env, tty: canPrompt(), now: new Date() });
      if (args.json) {
        printJson({ setting: current.setting, file, prompt: { possible: block === undefined, reason: block ?? null } });
      } else {
        writeStderr(
          `Crash report prompts: ${current.setting} (${file})\n` +
            `Prompting here and now: ${block === undefined ? "possible" : `off, ${PROMPT_BLOCK_REASONS[block]}`}\n`,
        );
      }
      return ExitCode.ok;
    }
    if (!(CONSENT_SETTINGS as readonly string[]).includes(args.setting)) {
      throw new UserError("BAD_CONSENT", 'the setting is "ask" or "never"');
    }
    writeConsent(file, { ...current, setting: args.setting as ConsentSetting });
    writeStderr(
      args.setting === "never"
        ? "Crash reports will be saved on this machine but never offered for filing.\n"
        : "After a crash, tollgate will show the report and ask whether to file it (default No).\n",
    );
    return ExitCode.ok;
  },
});

export const crashCommand = defineCommand({
  meta: { name: "crash", description: "Crash reports saved on this machine: list, show, file, remove; prompt consent" },
  subCommands: { list, show, report, rm, consent },
});
