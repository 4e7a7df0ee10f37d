/**
 * Remembered `--version` answers, so an unchanged toolchain is not started
 * once per tool on every run. An answer is reused only for the same
 * executable file: same real path, size, mtime, ctime and inode (an upgrade
 * replaces the file, which changes its ctime even when a package manager
 * resets its mtime), and for at most an hour, for launchers (pyenv shims)
 * whose own file does not change when the tool behind them does.
 * `python -m module` probes are never cached: the interpreter's file says
 * nothing about the module's version.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ensurePrivateDir, writeFileAtomic } from "../core/index.ts";
import type { ProbeRunner } from "./probe.ts";

const MAX_AGE_MS = 60 * 60 * 1000;

const EntrySchema = v.object({
  identity: v.string(),
  checkedAt: v.number(),
  exitCode: v.nullable(v.number()),
  output: v.string(),
});
const CacheSchema = v.record(v.string(), EntrySchema);
type Entries = v.InferOutput<typeof CacheSchema>;

function identity(path: string): string | undefined {
  try {
    const real = realpathSync(path);
    const stat = statSync(real);
    return [real, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino].join("\0");
  } catch {
    return undefined;
  }
}

function load(file: string): Entries {
  try {
    const result = v.safeParse(CacheSchema, JSON.parse(readFileSync(file, "utf8")));
    return result.success ? result.output : {};
  } catch {
    return {};
  }
}

export function cachedVersionRunner(runner: ProbeRunner, cacheDir: string, now: () => number = Date.now): ProbeRunner {
  const file = join(cacheDir, "tool-versions.json");
  let entries: Entries | undefined;
  return {
    which: (bin, dirs) => runner.which(bin, dirs),
    async run(argv) {
      const id = argv.includes("-m") ? undefined : identity(argv[0] as string);
      const key = argv.join("\0");
      entries ??= load(file);
      const known = entries[key];
      if (id !== undefined && known && known.identity === id && now() - known.checkedAt < MAX_AGE_MS) {
        return { exitCode: known.exitCode, timedOut: false, output: known.output };
      }
      const result = await runner.run(argv);
      if (id !== undefined && !result.timedOut && result.exitCode === 0) {
        entries = {
          ...load(file),
          [key]: { identity: id, checkedAt: now(), exitCode: result.exitCode, output: result.output },
        };
        ensurePrivateDir(cacheDir);
        writeFileAtomic(file, JSON.stringify(entries));
      }
      return result;
    },
  };
}
