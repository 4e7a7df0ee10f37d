import { describe, expect, test } from "bun:test";
import { consentFile, writeConsent } from "../../src/crash/consent.ts";
import { crashChecks } from "../../src/crash/index.ts";
import { crashesDir, saveReport } from "../../src/crash/store.ts";
import { privateEnv, sampleReport } from "./fixtures.ts";

function detail(checks: ReturnType<typeof crashChecks>, name: string): string {
  return checks.find((check) => check.name === name)?.detail ?? "";
}

describe("crashChecks (doctor)", () => {
  test("where reports are stored, how many, the consent setting, whether a prompt is possible", () => {
    const env = privateEnv();
    saveReport(crashesDir(env), sampleReport("a", new Date()));
    saveReport(crashesDir(env), sampleReport("b", new Date()));
    const checks = crashChecks(env, true);
    expect(checks.every((check) => check.section === "crash reports")).toBe(true);
    expect(checks.map((check) => check.name)).toEqual(["stored in", "saved", "consent", "prompt"]);
    expect(detail(checks, "stored in")).toContain(crashesDir(env));
    expect(detail(checks, "saved")).toStartWith("2 reports");
    expect(detail(checks, "consent")).toStartWith("ask");
    expect(detail(checks, "prompt")).toStartWith("possible");
  });

  test.each([
    ["no terminal", {}, false, "stdin or stderr is not a terminal"],
    ["CI", { CI: "true" }, true, "CI"],
    ["DO_NOT_TRACK", { DO_NOT_TRACK: "1" }, true, "DO_NOT_TRACK"],
  ] as const)("says why prompting is off: %s", (_name, extra, tty, reason) => {
    const detailText = detail(crashChecks({ ...privateEnv(), ...extra }, tty), "prompt");
    expect(detailText).toStartWith("off: ");
    expect(detailText).toContain(reason);
  });

  test("consent never, and no reports yet", () => {
    const env = privateEnv();
    writeConsent(consentFile(env), { schema: 1, setting: "never", answers: {} });
    const checks = crashChecks(env, true);
    expect(detail(checks, "consent")).toStartWith("never");
    expect(detail(checks, "prompt")).toContain('"never"');
    expect(detail(checks, "saved")).toBe("none");
  });
});
