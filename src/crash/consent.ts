/**
 * Whether to ask about a crash: the user's setting (`ask` or `never`, stored
 * in `$XDG_CONFIG_HOME/tollgate/crash-consent.json`), the answers given per
 * fingerprint in the last 30 days, and the rules that forbid a prompt (CI,
 * DO_NOT_TRACK, no terminal).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as v from "valibot";
import { ensurePrivateDir, isCI, userConfigDir, writeFileAtomic } from "../core/index.ts";
import { FINGERPRINT_PATTERN } from "./fingerprint.ts";

type Env = Record<string, string | undefined>;

/** A fingerprint answered this recently is not asked about again. */
const ANSWER_TTL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export const CONSENT_SETTINGS = ["ask", "never"] as const;
export type ConsentSetting = (typeof CONSENT_SETTINGS)[number];

const ConsentSchema = v.strictObject({
  schema: v.literal(1),
  setting: v.picklist(CONSENT_SETTINGS),
  answers: v.record(
    v.pipe(v.string(), v.regex(FINGERPRINT_PATTERN)),
    v.strictObject({ answer: v.picklist(["yes", "no"]), at: v.pipe(v.string(), v.isoTimestamp()) }),
  ),
});

export type Consent = v.InferOutput<typeof ConsentSchema>;

export function consentFile(env: Env = process.env): string {
  return join(userConfigDir(env), "crash-consent.json");
}

/** The stored consent; `ask` with no answers when there is none or it cannot be read. */
export function readConsent(file: string): Consent {
  try {
    const result = v.safeParse(ConsentSchema, JSON.parse(readFileSync(file, "utf8")));
    if (result.success) return result.output;
  } catch {
    // missing or damaged: the default applies
  }
  return { schema: 1, setting: "ask", answers: {} };
}

export function writeConsent(file: string, consent: Consent): void {
  ensurePrivateDir(dirname(file));
  writeFileAtomic(file, `${JSON.stringify(v.parse(ConsentSchema, consent), null, 2)}\n`);
}

/** Records an answer for `fingerprint`, dropping answers too old to matter. */
export function withAnswer(consent: Consent, fingerprint: string, answer: "yes" | "no", now: Date): Consent {
  const answers = Object.fromEntries(
    Object.entries(consent.answers).filter(([, entry]) => isRecent(entry.at, now)),
  ) as Consent["answers"];
  answers[fingerprint] = { answer, at: now.toISOString() };
  return { ...consent, answers };
}

function isRecent(at: string, now: Date): boolean {
  const age = now.getTime() - Date.parse(at);
  return age >= 0 && age < ANSWER_TTL_DAYS * DAY_MS;
}

/** `DO_NOT_TRACK` is set to anything but empty or "0". */
export function doNotTrack(env: Env): boolean {
  const value = env.DO_NOT_TRACK;
  return value !== undefined && value !== "" && value !== "0";
}

export type PromptBlock = "never" | "do-not-track" | "ci" | "no-tty" | "answered";

export const PROMPT_BLOCK_REASONS: Record<PromptBlock, string> = {
  never: 'crash report prompts are set to "never"',
  "do-not-track": "DO_NOT_TRACK is set",
  ci: "running under CI",
  "no-tty": "stdin or stderr is not a terminal",
  answered: `this crash was answered in the last ${ANSWER_TTL_DAYS} days`,
};

export interface PromptSituation {
  consent: Consent;
  env: Env;
  /** stdin and stderr are both terminals. */
  tty: boolean;
  now: Date;
  /** The crash about to be asked about; leave out to ask whether prompting is possible at all. */
  fingerprint?: string;
}

/** Why tollgate may not prompt about a crash, or undefined when it may. */
export function promptBlock(situation: PromptSituation): PromptBlock | undefined {
  if (situation.consent.setting === "never") return "never";
  if (doNotTrack(situation.env)) return "do-not-track";
  if (isCI(situation.env)) return "ci";
  if (!situation.tty) return "no-tty";
  const answer = situation.fingerprint === undefined ? undefined : situation.consent.answers[situation.fingerprint];
  if (answer && isRecent(answer.at, situation.now)) return "answered";
  return undefined;
}
