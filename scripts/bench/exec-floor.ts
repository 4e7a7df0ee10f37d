/**
 * The least any compiled Bun program that does what `tollgate exec` must do
 * can take: start the runtime, run the argv under prlimit with both output
 * streams read, and write an fsync'd record of it. Compiled with tollgate's
 * own flags by scripts/bench/exec.ts, it shows how much of `exec`'s extra
 * time is the platform's and how much is tollgate's own.
 *
 * Usage: exec-floor RECORD PRLIMIT_ARGV... -- ARGV...
 */
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from "node:fs";

const [record, ...argv] = process.argv.slice(2) as [string, ...string[]];
const child = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", env: {} });
const [stdout, stderr, exitCode] = await Promise.all([
  new Response(child.stdout).arrayBuffer(),
  new Response(child.stderr).arrayBuffer(),
  child.exited,
]);
const temporary = `${record}.tmp`;
const fd = openSync(temporary, "w");
writeSync(fd, JSON.stringify({ argv, exitCode, stdout: stdout.byteLength, stderr: stderr.byteLength }));
fsyncSync(fd);
closeSync(fd);
renameSync(temporary, record);
process.exit(exitCode);
