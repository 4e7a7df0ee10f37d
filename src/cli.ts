/**
 * The CLI root: a citty command tree whose subcommands load lazily, the one
 * crash boundary, and the exit codes of DESIGN.md. Loaded by main.ts for
 * everything but a plain `--version`.
 */
import type { CommandContext, CommandDef } from "citty";
import { versionText } from "./core/build-info.ts";
import { defineCommand, parseArgs, type ResolvedCommand, resolveCommand } from "./core/cli.ts";
import { ExitCode, InterruptedError, isTollgateError, UserError } from "./core/errors.ts";
import { removePendingTempFiles } from "./core/files.ts";
import { writeStderr, writeStdout } from "./core/output.ts";
import { killActiveChildren } from "./core/process.ts";
import { stripAnsi, useColor } from "./core/terminal.ts";

const gatesCommands = () => import("./gates/commands.ts");
const stageCommands = () => gatesCommands().then((m) => m.stageCommands());

const root = defineCommand({
  meta: {
    name: "tollgate",
    description: "Quality gates, command contracts, a sandbox and signed receipts for coding agents",
  },
  args: {
    version: { type: "boolean", alias: "v", description: "Print the version, git commit, Bun version and target" },
    json: { type: "boolean", description: "With --version: print one JSON document" },
  },
  subCommands: {
    doctor: () => import("./doctor.ts").then((m) => m.doctorCommand),
    policy: () => import("./sandbox/commands.ts").then((m) => m.policyCommand),
    contract: () => import("./sandbox/commands.ts").then((m) => m.contractCommand),
    exec: () => import("./sandbox/commands.ts").then((m) => m.execCommand),
    check: () => stageCommands().then((m) => m.checkCommand),
    ci: () => stageCommands().then((m) => m.ciCommand),
    "pre-commit": () => stageCommands().then((m) => m.preCommitCommand),
    nightly: () => stageCommands().then((m) => m.nightlyCommand),
    "post-edit": () => stageCommands().then((m) => m.postEditCommand),
    gate: () => stageCommands().then((m) => m.gateCommand),
    setup: () =>
      gatesCommands()
        .then((m) => m.setupCommands())
        .then((m) => m.setupCommand),
    config: () => gatesCommands().then((m) => m.configCommand),
    keys: () => import("./receipts/commands.ts").then((m) => m.keysCommand),
    approve: () => receiptCommands().then((m) => m.approveCommand),
    receipt: () => receiptCommands().then((m) => m.receiptCommand),
    crash: () => import("./crash/commands.ts").then((m) => m.crashCommand),
  },
  run: ({ args }) => {
    if (!args.version)
      throw new UserError("NO_COMMAND", 'no command given; run "tollgate --help" to list the commands');
    writeStdout(versionText(args.json === true));
  },
});

/** Receipts bind to contracts and policies as the sandbox loads them (strictly) and hashes them. */
async function receiptCommands() {
  const [receipts, sandbox] = await Promise.all([import("./receipts/commands.ts"), import("./sandbox/index.ts")]);
  return receipts.receiptCommands({
    contractSha256: (path) => sandbox.contractSha256(sandbox.loadContract(path)),
    policySha256: async (path) => sandbox.policySha256(await sandbox.loadPolicy(path)),
  });
}

/** Set by tests (and by anyone curious) to prove the crash path end to end. */
class InjectedCrashError extends Error {}

function injectCrash(): never {
  throw new InjectedCrashError("crash injected by TOLLGATE_TEST_CRASH");
}

let commandPath: string[] = [];

async function run(argv: string[]): Promise<number> {
  const resolved = await resolveCommand(root as CommandDef, argv);
  commandPath = resolved.path;
  const separator = resolved.rest.indexOf("--");
  const options = separator === -1 ? resolved.rest : resolved.rest.slice(0, separator);
  if (options.includes("--help") || options.includes("-h")) {
    await printUsage(resolved, 1);
    return ExitCode.ok;
  }
  if (!resolved.command.run) {
    await printUsage(resolved, 2);
    throw new UserError("NO_COMMAND", `"tollgate ${resolved.path.join(" ")}" needs a subcommand (listed above)`);
  }
  if (process.env.TOLLGATE_TEST_CRASH && process.env.TOLLGATE_TEST_CRASH === resolved.path.join(" ")) injectCrash();
  const args = await parseArgs(resolved);
  const context = { rawArgs: resolved.rest, args, cmd: resolved.command } as CommandContext;
  const result: unknown = await resolved.command.run(context);
  return typeof result === "number" ? result : ExitCode.ok;
}

async function printUsage(resolved: ResolvedCommand, fd: 1 | 2) {
  // citty names only the direct parent; usage lines should show the whole path a user types.
  const parent = resolved.parent && { meta: { name: ["tollgate", ...resolved.path.slice(0, -1)].join(" ") } };
  const { renderUsage } = await import("citty");
  const usage = await renderUsage(resolved.command, parent);
  (fd === 1 ? writeStdout : writeStderr)(`${useColor(fd) ? usage : stripAnsi(usage)}\n`);
}

async function exitCodeFor(error: unknown): Promise<number> {
  if (error instanceof InterruptedError) return ExitCode.interrupted;
  if (isTollgateError(error)) {
    writeStderr(`tollgate: ${error.message}\n`);
    return error.exitCode;
  }
  const { reportCrash } = await import("./crash/index.ts");
  return reportCrash(error, { command: commandPath });
}

function interrupted(signal: NodeJS.Signals): void {
  removePendingTempFiles();
  killActiveChildren();
  writeStderr(`\ntollgate: interrupted by ${signal}\n`);
  process.exit(ExitCode.interrupted);
}

let failing = false;

async function failed(error: unknown): Promise<never> {
  // A second failure while the first is being handled (the crash reporter's own) ends it.
  if (failing) process.exit(ExitCode.internal);
  failing = true;
  process.exit(await exitCodeFor(error));
}

export async function runCli(argv: string[]): Promise<never> {
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  process.on("uncaughtException", (error) => void failed(error));
  process.on("unhandledRejection", (error) => void failed(error));
  try {
    // Output is written synchronously (core/output.ts), so nothing is left to flush.
    process.exit(await run(argv));
  } catch (error) {
    return failed(error);
  }
}
