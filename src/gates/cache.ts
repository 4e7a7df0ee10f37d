/**
 * The step result cache. A step's key covers everything its output depends
 * on: tollgate's version, the tool and its version, the exact commands and
 * environment, the resolved gates config, and the content of every file of
 * the project (tool configs and lockfiles included). An unchanged step is
 * not run again; its stored output is read by the gates as if it had run.
 *
 * File hashes are remembered by (size, mtime, ctime, inode), so an unchanged
 * tree is hashed without reading it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import * as v from "valibot";
import { canonicalJson, ensurePrivateDir, sha256Hex, writeFileAtomic } from "../core/index.ts";
import type { StepOutput, StepSpec } from "./steps.ts";

/** Folders never part of a project's inputs: dependencies, caches, build output, tollgate's own state. */
export const NOT_INPUTS: ReadonlySet<string> = new Set([
  ".git",
  ".tollgate",
  "node_modules",
  ".venv",
  "venv",
  "__pycache__",
  ".pytest_cache",
  ".mypy_cache",
  ".ruff_cache",
  ".stryker-tmp",
  "dist",
  "build",
  "coverage",
  "mutants",
  "reports",
]);

const MAX_CACHED_STEP_BYTES = 32 * 1024 * 1024;

/** Files under `dir` (relative to it, sorted), skipping dependency and state folders. */
export function walkFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!NOT_INPUTS.has(entry.name)) walk(path);
      } else if (entry.isFile()) files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

const HashEntrySchema = v.tuple([v.string(), v.number(), v.number(), v.number(), v.number()]);
const HashIndexSchema = v.record(v.string(), HashEntrySchema);
type HashIndex = v.InferOutput<typeof HashIndexSchema>;

export interface InputHasher {
  /** One digest over the given files' paths and contents (paths relative to `root`). */
  digest(files: readonly string[]): string;
  /** Remembers the hashes for the next run. */
  save(): void;
}

export function inputHasher(root: string, stateDir: string): InputHasher {
  const indexPath = join(stateDir, "cache", "file-hashes.json");
  const previous = readJsonFile(indexPath, HashIndexSchema) ?? {};
  const next: HashIndex = {};
  const hashOf = (file: string): string => {
    const path = join(root, file);
    const stat = statSync(path);
    const known = previous[file];
    if (
      known &&
      known[1] === stat.size &&
      known[2] === stat.mtimeMs &&
      known[3] === stat.ctimeMs &&
      known[4] === stat.ino
    ) {
      next[file] = known;
      return known[0];
    }
    const hash = sha256Hex(readFileSync(path));
    next[file] = [hash, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
    return hash;
  };
  return {
    digest(files) {
      const lines = files.filter((file) => existsSync(join(root, file))).map((file) => `${file}\0${hashOf(file)}\n`);
      return sha256Hex(lines.join(""));
    },
    save() {
      ensurePrivateDir(join(stateDir, "cache"));
      writeFileAtomic(indexPath, JSON.stringify({ ...previous, ...next }));
    },
  };
}

function readJsonFile<S extends v.GenericSchema>(path: string, schema: S): v.InferOutput<S> | undefined {
  try {
    const result = v.safeParse(schema, JSON.parse(readFileSync(path, "utf8")));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}

export function stepCacheKey(
  spec: StepSpec,
  context: { tollgateVersion: string; config: unknown; inputs: string },
): string {
  return sha256Hex(
    canonicalJson({
      tollgate: context.tollgateVersion,
      tool: spec.tool,
      toolVersion: spec.toolVersion,
      cwd: spec.cwd,
      commands: spec.commands,
      env: spec.env ?? {},
      reports: spec.reports,
      config: context.config,
      inputs: context.inputs,
    }),
  );
}

const CommandOutputSchema = v.object({
  argv: v.array(v.string()),
  exitCode: v.nullable(v.number()),
  timedOut: v.boolean(),
  stdout: v.string(),
  stderr: v.string(),
});
const StepOutputSchema = v.object({
  key: v.string(),
  tool: v.string(),
  toolVersion: v.string(),
  commands: v.array(CommandOutputSchema),
  reports: v.record(v.string(), v.nullable(v.string())),
  durationMs: v.number(),
  cached: v.boolean(),
});

export interface StepCache {
  get(key: string): StepOutput | undefined;
  put(key: string, output: StepOutput): void;
}

/** Step outputs stored under `.tollgate/cache/steps/`, one file per key. A damaged entry is a miss. */
export function stepCache(stateDir: string): StepCache {
  const dir = join(stateDir, "cache", "steps");
  return {
    get(key) {
      const output = readJsonFile(join(dir, `${key}.json`), StepOutputSchema);
      return output === undefined ? undefined : { ...output, cached: true };
    },
    put(key, output) {
      // A tool that did not finish says nothing about the inputs; it runs again next time.
      if (output.commands.some((command) => command.timedOut || command.exitCode === null)) return;
      const text = JSON.stringify(output);
      if (text.length > MAX_CACHED_STEP_BYTES) return;
      ensurePrivateDir(dir);
      writeFileAtomic(join(dir, `${key}.json`), text);
    },
  };
}
