import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import * as v from "valibot";
import { REPOSITORY_URL } from "../../src/core/index.ts";
import type { Frame } from "../../src/crash/frames.ts";
import { ISSUE_LABEL, issueDraft, MAX_URL_LENGTH } from "../../src/crash/issue-url.ts";
import { buildReport, type CrashReport, CrashReportSchema, serializeReport } from "../../src/crash/payload.ts";
import { sampleReport } from "./fixtures.ts";

const NOW = new Date("2026-06-01T12:00:00.000Z");

/** The report inside an issue URL, as GitHub will show it. */
function filedReport(url: string): { title: string; body: string; report: CrashReport } {
  const params = new URL(url).searchParams;
  const body = params.get("body") ?? "";
  const json = /```json\n([\s\S]*)\n```/.exec(body)?.[1] ?? "";
  return { title: params.get("title") ?? "", body, report: v.parse(CrashReportSchema, JSON.parse(json)) };
}

function totalFrames(frames: readonly string[]): number {
  return frames.reduce((sum, entry) => sum + Number(/^<(\d+) other frames?>$/.exec(entry)?.[1] ?? 1), 0);
}

/** Absolute paths of any platform, file URLs, home shorthands. */
const PATH_SHAPES =
  /(?:^|[\s"'(=])(?:\/(?:home|Users|root|tmp|var|private|srv|opt|etc|work)\b|[A-Za-z]:[\\/]|~[\\/])|file:\/\/|\$bunfs|~BUN/;

describe("issueDraft", () => {
  test("a small report is filed whole: the body holds exactly the stored bytes", () => {
    const report = sampleReport("boom", NOW, 3);
    const draft = issueDraft(report);
    expect(draft.url.startsWith(`${REPOSITORY_URL}/issues/new?title=`)).toBe(true);
    expect(new URL(draft.url).searchParams.get("labels")).toBe(ISSUE_LABEL);
    const filed = filedReport(draft.url);
    expect(filed.report).toEqual(report);
    expect(filed.body).toBe(draft.body);
    expect(filed.body).toContain(serializeReport(report).trimEnd());
    expect(filed.title).toBe(`Crash: TypeError in "tollgate doctor" (${report.fingerprint})`);
  });

  test("a huge stack: the URL stays under 8,000 characters by folding whole frames into a count", () => {
    const frames: Frame[] = Array.from({ length: 400 }, (_, i) => ({
      own: true,
      file: `src/${"deeply-nested/".repeat(4)}module-${i}.ts`,
      line: 1000 + i,
      fn: `aVeryLongFunctionName${"X".repeat(50)}${i}`,
    }));
    const report = buildReport({
      exception: "TypeError",
      frames,
      command: ["doctor"],
      now: NOW,
      ci: false,
      scrub: { homes: [] },
    });
    expect(issueDraft(report, REPOSITORY_URL).url.length).toBeLessThan(MAX_URL_LENGTH);
    const draft = issueDraft(report);
    const filed = filedReport(draft.url);
    expect(filed.report).toEqual(draft.report);
    expect(filed.report.frames.length).toBeLessThan(report.frames.length);
    expect(totalFrames(filed.report.frames)).toBe(totalFrames(report.frames));
    // Whole frames only: every kept entry is one of the stored entries, in order.
    expect(report.frames.slice(0, filed.report.frames.length - 1)).toEqual(filed.report.frames.slice(0, -1));
    // Nothing else changes.
    expect({ ...filed.report, frames: [] }).toEqual({ ...report, frames: [] });
  });

  test("property: any valid report gives a URL under the limit that parses back, with no path in it", () => {
    const ownFrame = fc.record({
      own: fc.constant(true as const),
      file: fc.stringMatching(/^src\/[a-z-]{1,30}(\/[a-z-]{1,30}){0,4}\.ts$/),
      line: fc.integer({ min: 1, max: 9_999_999 }),
      fn: fc.stringMatching(/^[A-Za-z_$][\w$]{0,79}$/),
    });
    const frame = fc.oneof(ownFrame, fc.constant({ own: false as const }));
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 300 }),
        fc.stringMatching(/^[A-Z][A-Za-z]{0,79}$/),
        (frames, exception) => {
          const report = buildReport({
            exception,
            frames,
            command: ["crash", "list"],
            now: NOW,
            ci: true,
            scrub: { homes: [] },
          });
          const { url } = issueDraft(report);
          expect(url.length).toBeLessThan(MAX_URL_LENGTH);
          expect(filedReport(url).report.fingerprint).toBe(report.fingerprint);
          expect(PATH_SHAPES.test(decodeURIComponent(url.slice(REPOSITORY_URL.length)))).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("the path detector used above does catch paths", () => {
    for (const text of ['"/home/alice/x"', " C:\\Users\\x", "file:///x", " ~/x", "(/tmp/x"]) {
      expect(PATH_SHAPES.test(text)).toBe(true);
    }
  });
});
