/**
 * Offering to file a report: show the exact title and body that would be
 * filed, ask (default No), and on yes print the URL and hand it to the browser.
 * Used after a crash and by `tollgate crash report`.
 */
import { consentFile, readConsent, withAnswer, writeConsent } from "./consent.ts";
import { issueDraft } from "./issue-url.ts";
import type { CrashReport } from "./payload.ts";
import { type Answer, askYesNo, type PromptIO } from "./prompt.ts";

type Env = Record<string, string | undefined>;

export interface FilingIO extends PromptIO {
  /** Where the URL goes on yes. */
  urlOutput: NodeJS.WritableStream;
  openUrl: (url: string) => Promise<void>;
  env: Env;
  now: () => Date;
}

const FILE_QUESTION =
  "Open it as a pre-filled GitHub issue in your browser? Nothing is sent until you submit it there. [y/N] ";

export async function offerToFile(report: CrashReport, io: FilingIO): Promise<Answer> {
  const draft = issueDraft(report);
  io.output.write(
    `\nThis is exactly what would be filed, and nothing else:\n\nTitle: ${draft.title}\n\n${draft.body}\n`,
  );
  const answer = await askYesNo(FILE_QUESTION, io);
  if (answer === "interrupted") return answer;
  recordAnswer(report.fingerprint, answer, io);
  if (answer === "yes") {
    io.urlOutput.write(`${draft.url}\n`);
    io.output.write("Opening your browser; if nothing opens, open the URL above.\n");
    await io.openUrl(draft.url);
  }
  return answer;
}

/** Remembered so the same crash is not asked about again for a while; losing it only means asking again. */
function recordAnswer(fingerprint: string, answer: "yes" | "no", io: FilingIO): void {
  try {
    const file = consentFile(io.env);
    writeConsent(file, withAnswer(readConsent(file), fingerprint, answer, io.now()));
  } catch {
    // the answer itself still counts for this run
  }
}
