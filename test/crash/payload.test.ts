import { describe, expect, test } from "bun:test";
import * as v from "valibot";
import { buildInfo } from "../../src/core/index.ts";
import { fingerprint } from "../../src/crash/fingerprint.ts";
import type { Frame } from "../../src/crash/frames.ts";
import {
  buildReport,
  CrashReportSchema,
  frameEntries,
  keepFrames,
  MAX_FRAMES,
  parseReport,
  REPORT_KEYS,
  type ReportInput,
  serializeReport,
} from "../../src/crash/payload.ts";

const OTHER: Frame = { own: false };
const ownFrame = (file: string, line: number, fn: string): Frame => ({ own: true, file, line, fn });

const SAMPLE_FRAMES: Frame[] = [
  ownFrame("src/core/boom.ts", 3, "boom"),
  OTHER,
  OTHER,
  ownFrame("src/main.ts", 68, "run"),
  OTHER,
];

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    exception: "TypeError",
    frames: SAMPLE_FRAMES,
    command: ["crash", "list"],
    now: new Date("2026-03-04T05:06:07.089Z"),
    ci: false,
    scrub: { homes: ["/home/alice"], hostname: "canary-host" },
    ...overrides,
  };
}

describe("fingerprint", () => {
  test("16 hex digits, the same when only line numbers change (a rebuild)", () => {
    const moved = SAMPLE_FRAMES.map((frame) => (frame.own ? { ...frame, line: frame.line + 40 } : frame));
    const id = fingerprint("TypeError", SAMPLE_FRAMES);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint("TypeError", moved)).toBe(id);
  });

  test("differs when the class, a function or a file differs", () => {
    const id = fingerprint("TypeError", SAMPLE_FRAMES);
    expect(fingerprint("RangeError", SAMPLE_FRAMES)).not.toBe(id);
    expect(fingerprint("TypeError", [ownFrame("src/core/boom.ts", 3, "bang"), ...SAMPLE_FRAMES.slice(1)])).not.toBe(id);
    expect(fingerprint("TypeError", [ownFrame("src/core/bam.ts", 3, "boom"), ...SAMPLE_FRAMES.slice(1)])).not.toBe(id);
  });

  test("foreign frames do not count, so a dependency update keeps the fingerprint", () => {
    const fewerOthers = SAMPLE_FRAMES.filter((frame) => frame.own);
    expect(fingerprint("TypeError", fewerOthers)).toBe(fingerprint("TypeError", SAMPLE_FRAMES));
  });
});

describe("buildReport", () => {
  test("holds exactly the allowlisted keys, in schema order", () => {
    const report = buildReport(input());
    expect(Object.keys(report)).toEqual([...REPORT_KEYS]);
    expect(REPORT_KEYS).toEqual([
      "schema",
      "fingerprint",
      "timestamp",
      "firstSeen",
      "count",
      "version",
      "runtime",
      "runtimeVersion",
      "os",
      "arch",
      "command",
      "exception",
      "frames",
      "ci",
    ]);
  });

  test("fills the allowlist from the crash, the build and the clock", () => {
    const info = buildInfo();
    expect(buildReport(input({ ci: true }))).toEqual({
      schema: 1,
      fingerprint: fingerprint("TypeError", SAMPLE_FRAMES),
      timestamp: "2026-03-04T05:06:07.089Z",
      firstSeen: "2026-03-04T05:06:07.089Z",
      count: 1,
      version: info.version,
      runtime: info.runtime as "bun",
      runtimeVersion: info.runtimeVersion,
      os: process.platform,
      arch: process.arch,
      command: "crash list",
      exception: "TypeError",
      frames: ["src/core/boom.ts:3:boom", "<2 other frames>", "src/main.ts:68:run", "<1 other frame>"],
      ci: true,
    });
  });

  test("keeps command names only: a path, a token or a hostname is dropped", () => {
    const command = ["crash", "show", "/home/alice/secret", "sk-canary123456789", "canary-host", "Mixed"];
    expect(buildReport(input({ command })).command).toBe("crash show");
  });

  test("refuses a class name that could carry text", () => {
    expect(() => buildReport(input({ exception: "Error: /home/alice/x" }))).toThrow();
  });

  test("scrubs own frames: a planted hostname in a function name does not survive", () => {
    const frames = [ownFrame("src/core/canary-host.ts", 1, "canary-host")];
    const report = buildReport(input({ frames }));
    expect(JSON.stringify(report)).not.toContain("canary-host");
    expect(report.frames).toEqual(["src/core/<host>.ts:1:<host>"]);
  });

  test("a huge stack is capped at MAX_FRAMES entries plus one count", () => {
    const frames = Array.from({ length: 500 }, (_, i) => ownFrame("src/core/deep.ts", i + 1, `f${i}`));
    const report = buildReport(input({ frames }));
    expect(report.frames).toHaveLength(MAX_FRAMES + 1);
    expect(report.frames.at(-1)).toBe("<436 other frames>");
  });
});

describe("the schema is the allowlist", () => {
  const report = buildReport(input());

  test.each([
    ["an extra key", { ...report, message: "boom" }],
    ["a message in the class", { ...report, exception: "TypeError: cannot read /home/alice" }],
    ["an absolute path in a frame", { ...report, frames: ["/home/alice/src/x.ts:1:f"] }],
    ["a frame outside src/", { ...report, frames: ["node_modules/x/index.js:1:f"] }],
    ["a frame with a message", { ...report, frames: ["src/x.ts:1:f (sk-abc)"] }],
    ["argument values in the command", { ...report, command: "crash show /etc/passwd" }],
    ["a hostname in the OS", { ...report, os: "linux on build-box.local" }],
    ["a wrong schema version", { ...report, schema: 2 }],
  ])("rejects %s", (_name, candidate) => {
    expect(v.safeParse(CrashReportSchema, candidate).success).toBe(false);
    expect(parseReport(JSON.stringify(candidate))).toBeUndefined();
  });

  test("a stored report parses back to itself", () => {
    expect(parseReport(serializeReport(report))).toEqual(report);
  });
});

describe("frameEntries and keepFrames", () => {
  test("runs of other frames collapse into one count", () => {
    expect(frameEntries([OTHER, OTHER, OTHER, ownFrame("src/a.ts", 1, "a")], { homes: [] })).toEqual([
      "<3 other frames>",
      "src/a.ts:1:a",
    ]);
  });

  test("dropping frames folds them into the count without losing any", () => {
    const entries = ["src/a.ts:1:a", "<2 other frames>", "src/b.ts:2:b", "src/c.ts:3:c", "<4 other frames>"];
    expect(keepFrames(entries, 5)).toEqual(entries);
    expect(keepFrames(entries, 3)).toEqual(["src/a.ts:1:a", "<2 other frames>", "src/b.ts:2:b", "<5 other frames>"]);
    expect(keepFrames(entries, 2)).toEqual(["src/a.ts:1:a", "<8 other frames>"]);
    expect(keepFrames(entries, 0)).toEqual(["<9 other frames>"]);
  });
});
