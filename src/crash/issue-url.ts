/**
 * A pre-filled GitHub "new issue" URL for a report: tollgate never sends
 * anything itself, the user's browser does once the user submits the form.
 */
import * as v from "valibot";
import { REPOSITORY_URL } from "../core/index.ts";
import { type CrashReport, CrashReportSchema, keepFrames, serializeReport } from "./payload.ts";

/** Browsers and GitHub cope with longer URLs, but proxies and some shells stop near 8 KiB. */
export const MAX_URL_LENGTH = 8000;
export const ISSUE_LABEL = "crash-report";

export interface IssueDraft {
  title: string;
  body: string;
  url: string;
  /** The report as filed: the stored one, or a copy with fewer frames when the URL would be too long. */
  report: CrashReport;
}

/**
 * The issue for `report`. When the URL would reach `MAX_URL_LENGTH`, the
 * innermost frames are kept and the rest folded into one `<N other frames>`
 * entry: whole frames go, nothing is cut mid-way and nothing is added.
 */
export function issueDraft(report: CrashReport, repositoryUrl: string = REPOSITORY_URL): IssueDraft {
  for (let keep = report.frames.length; keep >= 0; keep--) {
    const filed = keep === report.frames.length ? report : { ...report, frames: keepFrames(report.frames, keep) };
    const draft = draftFor(v.parse(CrashReportSchema, filed), repositoryUrl);
    if (draft.url.length < MAX_URL_LENGTH) return draft;
  }
  throw new Error("a crash report without frames does not fit in an issue URL");
}

function draftFor(report: CrashReport, repositoryUrl: string): IssueDraft {
  const where = report.command === "" ? "tollgate" : `tollgate ${report.command}`;
  const title = `Crash: ${report.exception} in "${where}" (${report.fingerprint})`;
  const body = [
    "tollgate saved this crash report on my machine. It holds only the fields below:",
    "no error message, arguments, environment, host or user names, or paths.",
    "",
    "```json",
    serializeReport(report).trimEnd(),
    "```",
    "",
  ].join("\n");
  const query = [
    `title=${encodeURIComponent(title)}`,
    `body=${encodeURIComponent(body)}`,
    `labels=${encodeURIComponent(ISSUE_LABEL)}`,
  ].join("&");
  return { title, body, url: `${repositoryUrl}/issues/new?${query}`, report };
}
