/** The "crash reports" section of `tollgate doctor`. */
import { canPrompt, type DoctorCheck } from "../core/index.ts";
import { consentFile, PROMPT_BLOCK_REASONS, promptBlock, readConsent } from "./consent.ts";
import { crashesDir, listReports } from "./store.ts";

type Env = Record<string, string | undefined>;

const SECTION = "crash reports";

export function crashChecks(env: Env = process.env, tty: boolean = canPrompt(), now: Date = new Date()): DoctorCheck[] {
  const dir = crashesDir(env);
  const consent = readConsent(consentFile(env));
  const block = promptBlock({ consent, env, tty, now });
  return [
    { section: SECTION, name: "stored in", status: "ok", detail: `${dir} (only on this machine)` },
    savedCheck(dir),
    {
      section: SECTION,
      name: "consent",
      status: "ok",
      detail:
        consent.setting === "never"
          ? 'never: reports are saved here and never offered for filing (change with "tollgate crash consent ask")'
          : 'ask: after a crash, show the report and ask whether to file it, default No (change with "tollgate crash consent never")',
    },
    {
      section: SECTION,
      name: "prompt",
      status: "ok",
      detail: block === undefined ? "possible: stdin and stderr are terminals" : `off: ${PROMPT_BLOCK_REASONS[block]}`,
    },
  ];
}

function savedCheck(dir: string): DoctorCheck {
  try {
    const count = listReports(dir).length;
    return {
      section: SECTION,
      name: "saved",
      status: "ok",
      detail: count === 0 ? "none" : `${count} report${count === 1 ? "" : "s"} (see "tollgate crash list")`,
    };
  } catch {
    return {
      section: SECTION,
      name: "saved",
      status: "warn",
      detail: `${dir} cannot be read`,
      fix: `check the permissions of ${dir}`,
    };
  }
}
