/**
 * The one place that knows how tollgate is compiled, so the release build and
 * the benchmarks' hello-world reference use exactly the same flags.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * `--minify-syntax --minify-whitespace` rather than `--minify`: identifier
 * minification would rename every function, and crash fingerprints are built
 * from function names that must survive a rebuild. `--sourcemap` embeds the
 * map, so stack frames name `src/...` files even inside the executable.
 * `--splitting` puts lazily imported modules in chunks of their own: without
 * it every module is evaluated at start-up, used or not.
 * Autoloading `.env`/`bunfig.toml` from the working directory is off: an
 * untrusted repository must not configure the tool that checks it.
 * `--compile-jit-policy=10` makes JavaScriptCore ten times more reluctant to
 * JIT-compile: a one-shot command's code runs a few times and exits, and
 * compiling it anyway cost `tollgate exec` about 5 ms of its ~25 on a 2-core
 * machine. Commands that then do long work call useNormalJit()
 * (src/core/runtime.ts).
 */
export const COMPILE_FLAGS = [
  "--compile",
  "--splitting",
  "--minify-syntax",
  "--minify-whitespace",
  "--sourcemap",
  "--bytecode",
  "--compile-jit-policy=10",
  "--format=esm",
  "--no-compile-autoload-dotenv",
  "--no-compile-autoload-bunfig",
  "--no-compile-autoload-tsconfig",
  "--no-compile-autoload-package-json",
] as const;

export interface CompileOptions {
  entry: string;
  outfile: string;
  /** A Bun target such as `bun-linux-x64-baseline`; omitted for this machine. */
  bunTarget?: string;
  /** Identifiers replaced at build time, e.g. { TOLLGATE_COMMIT: "abc123" }. */
  define?: Record<string, string>;
}

/**
 * Compiles into a private folder beside `outfile`, then renames the
 * executable into place: the source maps bun writes next to it (one per
 * chunk; the executable embeds its own) never pile up, and a failed build
 * leaves the old executable untouched.
 */
export function compile(options: CompileOptions): void {
  mkdirSync(dirname(options.outfile), { recursive: true });
  const staging = mkdtempSync(join(dirname(options.outfile), ".compile-"));
  try {
    const staged = join(staging, basename(options.outfile));
    runBunBuild({ ...options, outfile: staged });
    renameSync(staged, options.outfile);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function runBunBuild(options: CompileOptions): void {
  const args = ["build", ...COMPILE_FLAGS, options.entry, "--outfile", options.outfile];
  if (options.bunTarget) args.push(`--target=${options.bunTarget}`);
  for (const [name, value] of Object.entries(options.define ?? {})) {
    args.push("--define", `${name}=${JSON.stringify(value)}`);
  }
  const result = spawnSync(bunExecutable(), args, { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) {
    throw new Error(`bun build failed for ${options.bunTarget ?? "this machine"} (exit ${result.status})`);
  }
}

/** The bun running this script, so the build never depends on PATH. */
export function bunExecutable(): string {
  return process.execPath;
}
