import { describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import {
  type Consent,
  consentFile,
  doNotTrack,
  type PromptSituation,
  promptBlock,
  readConsent,
  withAnswer,
  writeConsent,
} from "../../src/crash/consent.ts";
import { DAY_MS, privateEnv } from "./fixtures.ts";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const FP = "0123456789abcdef";
const ASK: Consent = { schema: 1, setting: "ask", answers: {} };

function situation(overrides: Partial<PromptSituation> = {}): PromptSituation {
  return { consent: ASK, env: {}, tty: true, now: NOW, fingerprint: FP, ...overrides };
}

describe("promptBlock", () => {
  test("a person at a terminal, nothing forbidding it: prompt", () => {
    expect(promptBlock(situation())).toBeUndefined();
  });

  test.each([
    ["no terminal", { tty: false }, "no-tty"],
    ["CI", { env: { CI: "true" } }, "ci"],
    ["GitHub Actions", { env: { GITHUB_ACTIONS: "true" } }, "ci"],
    ["DO_NOT_TRACK=1", { env: { DO_NOT_TRACK: "1" } }, "do-not-track"],
    ["DO_NOT_TRACK=true", { env: { DO_NOT_TRACK: "true" } }, "do-not-track"],
    ["consent never", { consent: { ...ASK, setting: "never" } }, "never"],
  ] as const)("%s: no prompt", (_name, overrides, reason) => {
    expect(promptBlock(situation(overrides as Partial<PromptSituation>))).toBe(reason);
  });

  test.each(["", "0"])("DO_NOT_TRACK=%p does not forbid it", (value) => {
    expect(doNotTrack({ DO_NOT_TRACK: value })).toBe(false);
    expect(promptBlock(situation({ env: { DO_NOT_TRACK: value } }))).toBeUndefined();
  });

  test("a fingerprint answered in the last 30 days is not asked again; after 30 days it is", () => {
    const answered = withAnswer(ASK, FP, "no", NOW);
    expect(promptBlock(situation({ consent: answered, now: new Date(NOW.getTime() + 29 * DAY_MS) }))).toBe("answered");
    expect(promptBlock(situation({ consent: answered, now: new Date(NOW.getTime() + 30 * DAY_MS) }))).toBeUndefined();
    expect(promptBlock(situation({ consent: answered, fingerprint: "fedcba9876543210" }))).toBeUndefined();
  });

  test("a yes counts as an answer too", () => {
    expect(promptBlock(situation({ consent: withAnswer(ASK, FP, "yes", NOW) }))).toBe("answered");
  });
});

describe("withAnswer", () => {
  test("drops answers older than 30 days", () => {
    const old = withAnswer(ASK, "1111111111111111", "no", new Date(NOW.getTime() - 31 * DAY_MS));
    expect(Object.keys(withAnswer(old, FP, "yes", NOW).answers)).toEqual([FP]);
  });
});

describe("consent file", () => {
  test("$XDG_CONFIG_HOME/tollgate/crash-consent.json, 0600, read back as written", () => {
    const env = privateEnv();
    const file = consentFile(env);
    expect(file).toBe(`${env.XDG_CONFIG_HOME}/tollgate/crash-consent.json`);
    const consent = withAnswer({ ...ASK, setting: "never" }, FP, "no", NOW);
    writeConsent(file, consent);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(readConsent(file)).toEqual(consent);
  });

  test("missing or damaged: ask, no answers", () => {
    const file = consentFile(privateEnv());
    expect(readConsent(file)).toEqual(ASK);
    writeConsent(file, { ...ASK, setting: "never" });
    writeFileSync(file, readFileSync(file, "utf8").replace('"never"', '"always"'));
    expect(readConsent(file)).toEqual(ASK);
  });
});
