#!/usr/bin/env bun
/**
 * The entry point. A plain `tollgate --version` is answered here, loading
 * nothing else; everything else goes to the command tree in cli.ts, loaded on
 * demand (the release build splits lazy imports into chunks, so modules that
 * are not used are never evaluated).
 */
import { versionText } from "./core/build-info.ts";

const VERSION_REQUESTS = new Set(["--version", "-v", "--version --json", "--json --version", "-v --json", "--json -v"]);

const argv = process.argv.slice(2);
if (VERSION_REQUESTS.has(argv.join(" "))) {
  // console.log is the runtime's quickest way to stdout (process.stdout costs
  // milliseconds to set up in a compiled executable), and it treats a closed
  // pipe as the end it is.
  // biome-ignore lint/suspicious/noConsole: the --version fast path; start-up time is benchmarked
  console.log(versionText(argv.includes("--json")).trimEnd());
} else {
  const { runCli } = await import("./cli.ts");
  await runCli(argv);
}
