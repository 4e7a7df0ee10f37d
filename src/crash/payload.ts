/**
 * The crash report: one valibot schema is the whole allowlist. A report holds
 * these keys and nothing else, every value is checked against a pattern that
 * leaves no room for a message, an argument or a path, and every report is
 * validated before it is written or filed.
 */
import * as v from "valibot";
import { buildInfo } from "../core/index.ts";
import { FINGERPRINT_PATTERN, fingerprint } from "./fingerprint.ts";
import type { Frame } from "./frames.ts";
import { type ScrubContext, scrubText } from "./scrub.ts";

const REPORT_SCHEMA_VERSION = 1;
/** Frames kept in a report; the rest are counted in one `<N other frames>` entry. */
export const MAX_FRAMES = 64;

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const OWN_FRAME_ENTRY =
  /^src\/(?:[\w<>-][\w.<>-]*\/)*[\w<>-][\w.<>-]*\.(?:ts|tsx|mts|js|mjs):\d{1,7}:[\w$.<>[\] -]{1,80}$/;
const OTHER_FRAMES_ENTRY = /^<(\d{1,6}) other frames?>$/;
const COMMAND_PART = /^[a-z][a-z0-9-]{0,39}$/;

const text = (pattern: RegExp) => v.pipe(v.string(), v.regex(pattern));
const timestamp = text(TIMESTAMP);

export const CrashReportSchema = v.strictObject({
  /** Version of this schema. */
  schema: v.literal(REPORT_SCHEMA_VERSION),
  /** SHA-256 of the exception class and own frames' files and functions, 16 hex digits. */
  fingerprint: text(FINGERPRINT_PATTERN),
  /** When this crash last happened (UTC). */
  timestamp,
  /** When a crash with this fingerprint was first saved on this machine (UTC). */
  firstSeen: timestamp,
  /** How many times it happened here since `firstSeen` (until pruned). */
  count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000_000)),
  /** tollgate version. */
  version: text(/^[0-9A-Za-z.+-]{1,40}$/),
  runtime: v.picklist(["bun", "deno", "node"]),
  runtimeVersion: text(/^[0-9A-Za-z.+-]{1,40}$/),
  /** `process.platform` and `process.arch`. */
  os: text(/^[a-z0-9]{1,20}$/),
  arch: text(/^[a-z0-9]{1,20}$/),
  /** The subcommand path, e.g. "crash list": command names only, never argument values. */
  command: v.pipe(
    v.string(),
    v.maxLength(200),
    v.check((value) => value === "" || value.split(" ").every((part) => COMMAND_PART.test(part))),
  ),
  /** The exception's class name; never its message. */
  exception: text(/^[A-Za-z_$][\w$]{0,79}$/),
  /** Own frames as `src/file.ts:line:function`, innermost first; other frames counted, e.g. `<3 other frames>`. */
  frames: v.pipe(
    v.array(
      v.pipe(
        v.string(),
        v.check((entry) => OWN_FRAME_ENTRY.test(entry) || OTHER_FRAMES_ENTRY.test(entry)),
      ),
    ),
    v.maxLength(MAX_FRAMES + 1),
  ),
  /** Whether it ran under CI. */
  ci: v.boolean(),
});

export type CrashReport = v.InferOutput<typeof CrashReportSchema>;

/** The keys of a report, in order: the allowlist, as documented. */
export const REPORT_KEYS = Object.keys(CrashReportSchema.entries) as ReadonlyArray<keyof CrashReport>;

export interface ReportInput {
  exception: string;
  frames: readonly Frame[];
  /** Command names from the root, e.g. ["crash", "list"]. */
  command: readonly string[];
  now: Date;
  ci: boolean;
  scrub: ScrubContext;
}

/** Builds and validates a report; throws if anything falls outside the allowlist. */
export function buildReport(input: ReportInput): CrashReport {
  const info = buildInfo();
  const at = input.now.toISOString();
  return v.parse(CrashReportSchema, {
    schema: REPORT_SCHEMA_VERSION,
    fingerprint: fingerprint(input.exception, input.frames),
    timestamp: at,
    firstSeen: at,
    count: 1,
    version: info.version,
    runtime: info.runtime,
    runtimeVersion: info.runtimeVersion,
    os: process.platform,
    arch: process.arch,
    command: input.command.filter((part) => COMMAND_PART.test(part) && scrubText(part, input.scrub) === part).join(" "),
    exception: input.exception,
    frames: keepFrames(frameEntries(input.frames, input.scrub), MAX_FRAMES),
    ci: input.ci,
  });
}

/** Own frames as scrubbed `file:line:function`; each run of other frames as one count. */
export function frameEntries(frames: readonly Frame[], scrub: ScrubContext): string[] {
  const entries: string[] = [];
  let others = 0;
  for (const frame of frames) {
    if (!frame.own) {
      others++;
      continue;
    }
    if (others > 0) entries.push(otherFrames(others));
    others = 0;
    entries.push(scrubText(`${frame.file}:${frame.line}:${frame.fn}`, scrub));
  }
  if (others > 0) entries.push(otherFrames(others));
  return entries;
}

/**
 * The first `keep` entries, and every entry after them folded into one count,
 * so a report shrinks by whole frames, never by cutting one.
 */
export function keepFrames(entries: readonly string[], keep: number): string[] {
  if (entries.length <= keep) return [...entries];
  const kept = entries.slice(0, keep);
  let dropped = entries.slice(keep).reduce((sum, entry) => sum + framesIn(entry), 0);
  const last = kept.at(-1);
  if (last !== undefined && OTHER_FRAMES_ENTRY.test(last)) {
    kept.pop();
    dropped += framesIn(last);
  }
  return [...kept, otherFrames(dropped)];
}

function framesIn(entry: string): number {
  const match = OTHER_FRAMES_ENTRY.exec(entry);
  return match ? Number(match[1]) : 1;
}

function otherFrames(count: number): string {
  return `<${Math.min(count, 999_999)} other frame${count === 1 ? "" : "s"}>`;
}

/** The bytes of a report as stored, shown and filed. */
export function serializeReport(report: CrashReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** A stored report, or undefined if the text is not one (damaged, edited, another schema). */
export function parseReport(text: string): CrashReport | undefined {
  try {
    const result = v.safeParse(CrashReportSchema, JSON.parse(text));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}
