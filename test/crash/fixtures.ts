/** Reports and environments for the crash unit tests. */
import { join } from "node:path";
import type { Frame } from "../../src/crash/frames.ts";
import { buildReport, type CrashReport } from "../../src/crash/payload.ts";
import { tempDir } from "../helpers.ts";

export const DAY_MS = 24 * 60 * 60 * 1000;

/** A report for a crash in function `fn`, so each `fn` gets its own fingerprint. */
export function sampleReport(fn: string, now: Date, extraFrames = 0): CrashReport {
  const frames: Frame[] = Array.from({ length: 1 + extraFrames }, (_, i) => ({
    own: true,
    file: "src/core/boom.ts",
    line: 10 + i,
    fn: i === 0 ? fn : `caller${i}`,
  }));
  return buildReport({ exception: "TypeError", frames, command: ["doctor"], now, ci: false, scrub: { homes: [] } });
}

/** A throwaway home with XDG folders inside it: nothing touches the real ~/.cache or ~/.config. */
export function privateEnv(): Record<string, string> {
  const home = tempDir("tollgate-crash-home-");
  return { HOME: home, XDG_CACHE_HOME: join(home, ".cache"), XDG_CONFIG_HOME: join(home, ".config") };
}
