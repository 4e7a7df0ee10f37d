/**
 * `bun run build`: compiles dist/tollgate for this machine.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { compile } from "./compile.ts";

const root = join(import.meta.dir, "..");

export function gitCommit(): string {
  const result = spawnSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "unknown";
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

export function hostTarget(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  return `${os}-${process.arch}`;
}

export function buildFor(target: string, outfile: string, bunTarget?: string): void {
  compile({
    entry: join(root, "src/main.ts"),
    outfile,
    bunTarget,
    define: { TOLLGATE_VERSION: packageVersion(), TOLLGATE_COMMIT: gitCommit(), TOLLGATE_TARGET: target },
  });
}

if (import.meta.main) {
  const outfile = join(root, "dist", "tollgate");
  // Built beside and renamed over, so a test running the old binary never execs a half-written one.
  const partial = `${outfile}.${process.pid}.partial`;
  buildFor(hostTarget(), partial);
  renameSync(partial, outfile);
  console.error(`built ${outfile}`);
}
