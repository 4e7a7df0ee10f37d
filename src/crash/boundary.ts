/**
 * What happens when a bug reaches main.ts: a crash raised in tollgate's own
 * code is saved as an allowlisted report, then offered for filing when a
 * person is at the terminal; anything else gets one line. Never throws.
 */
import { canPrompt, describeFsError, ExitCode, isCI } from "../core/index.ts";
import { openInBrowser } from "./browser.ts";
import { consentFile, promptBlock, readConsent } from "./consent.ts";
import { offerToFile } from "./filing.ts";
import { classifyFrames, parseStack, raisedInOwnCode, sourceRootOf } from "./frames.ts";
import { buildReport } from "./payload.ts";
import { type ScrubContext, scrubContext } from "./scrub.ts";
import { crashesDir, pruneReports, saveReport } from "./store.ts";
import { describeThrown } from "./thrown.ts";

type Env = Record<string, string | undefined>;

export interface CrashContext {
  /** Command names from the root, e.g. ["crash", "list"]; never argument values. */
  command: readonly string[];
}

/** Everything the boundary reads from the outside world, so tests can replace it. */
export interface CrashDeps {
  env: Env;
  now: () => Date;
  /** stdin and stderr are both terminals. */
  tty: boolean;
  input: NodeJS.ReadableStream;
  /** stderr: every line the boundary prints goes here. */
  output: NodeJS.WritableStream;
  openUrl: (url: string) => Promise<void>;
  scrub: ScrubContext;
  sourceRoot: string | undefined;
}

function defaultDeps(): CrashDeps {
  return {
    env: process.env,
    now: () => new Date(),
    tty: canPrompt(),
    input: process.stdin,
    output: process.stderr,
    openUrl: (url) => openInBrowser(url),
    scrub: scrubContext(),
    sourceRoot: sourceRootOf(),
  };
}

/** Handles a thrown value that is not a TollgateError; returns the exit code (70, or 130 on Ctrl-C at the prompt). */
export async function reportCrash(
  error: unknown,
  context: CrashContext,
  deps: Partial<CrashDeps> = {},
): Promise<number> {
  const output = deps.output ?? process.stderr;
  try {
    return await handleCrash(error, context, { ...defaultDeps(), ...deps });
  } catch (failure) {
    try {
      output.write(
        `tollgate: internal error, and the crash reporter failed too: ${describeThrown(failure).className}\n`,
      );
    } catch {
      // stderr is gone: the exit code is all that is left
    }
    return ExitCode.internal;
  }
}

async function handleCrash(error: unknown, context: CrashContext, deps: CrashDeps): Promise<number> {
  const thrown = describeThrown(error);
  const summary = thrown.message === "" ? thrown.className : `${thrown.className}: ${thrown.message}`;
  const frames = thrown.stack === undefined ? [] : classifyFrames(parseStack(thrown.stack), deps.sourceRoot);
  if (!raisedInOwnCode(frames)) {
    const where =
      frames.length === 0 ? "no stack trace to place it in tollgate's own code" : "not in tollgate's own code";
    deps.output.write(`tollgate: internal error (${where}): ${summary}\n`);
    return ExitCode.internal;
  }

  const now = deps.now();
  const report = buildReport({
    exception: thrown.className,
    frames,
    command: context.command,
    now,
    ci: isCI(deps.env),
    scrub: deps.scrub,
  });
  const dir = crashesDir(deps.env);
  let saved: ReturnType<typeof saveReport>;
  try {
    saved = saveReport(dir, report);
  } catch (failure) {
    deps.output.write(
      `tollgate: internal error (${summary}); the crash report could not be saved in ${dir}: ${describeFsError(failure)}\n`,
    );
    return ExitCode.internal;
  }
  try {
    pruneReports(dir, now);
  } catch {
    // pruning is housekeeping; the report is saved
  }

  const fileItLater = `tollgate crash report ${saved.report.fingerprint}`;
  const savedLine = `tollgate: internal error (${summary}); crash report saved to ${saved.file}`;
  const consent = readConsent(consentFile(deps.env));
  if (promptBlock({ consent, env: deps.env, tty: deps.tty, now, fingerprint: saved.report.fingerprint })) {
    deps.output.write(`${savedLine}; to file it: ${fileItLater}\n`);
    return ExitCode.internal;
  }
  deps.output.write(`${savedLine}\n`);
  const answer = await offerToFile(saved.report, { ...deps, urlOutput: deps.output });
  if (answer === "interrupted") {
    deps.output.write(`tollgate: interrupted; the crash report stays in ${saved.file}\n`);
    return ExitCode.interrupted;
  }
  if (answer === "no") deps.output.write(`Not filed. To file it later: ${fileItLater}\n`);
  return ExitCode.internal;
}
