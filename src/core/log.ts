import { createConsola } from "consola";
import { useColor } from "./terminal.ts";

/**
 * Human output and logs go to stderr, always, so stdout stays for `--json`
 * documents and other machine-readable output.
 */
export const log = createConsola({
  stdout: process.stderr,
  stderr: process.stderr,
  level: process.env.TOLLGATE_LOG_LEVEL === "debug" ? 4 : 3,
  formatOptions: { colors: useColor(), date: false },
});

/** Writes one JSON document to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
