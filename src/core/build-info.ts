import { runtimeInfo } from "./runtime.ts";

// Replaced by `bun build --define` in release builds (scripts/build.ts); from
// source the identifiers are undeclared and the fallbacks apply.
declare const TOLLGATE_VERSION: string | undefined;
declare const TOLLGATE_COMMIT: string | undefined;
declare const TOLLGATE_TARGET: string | undefined;

/** Kept in step with package.json by test/core/build-info.test.ts. */
const SOURCE_VERSION = "0.1.0";

export interface BuildInfo {
  version: string;
  commit: string;
  target: string;
  runtime: string;
  runtimeVersion: string;
  compiled: boolean;
}

export function buildInfo(): BuildInfo {
  const runtime = runtimeInfo();
  return {
    version: typeof TOLLGATE_VERSION === "string" ? TOLLGATE_VERSION : SOURCE_VERSION,
    commit: typeof TOLLGATE_COMMIT === "string" ? TOLLGATE_COMMIT : "unknown",
    target: typeof TOLLGATE_TARGET === "string" ? TOLLGATE_TARGET : `source-${process.platform}-${process.arch}`,
    runtime: runtime.name,
    runtimeVersion: runtime.version,
    compiled: runtime.compiled,
  };
}

/** What `tollgate --version` prints: four lines for people, or one JSON document. */
export function versionText(json: boolean, info: BuildInfo = buildInfo()): string {
  if (json) return `${JSON.stringify(info, null, 2)}\n`;
  return `tollgate ${info.version}\ncommit:  ${info.commit}\nruntime: ${info.runtime} ${info.runtimeVersion}\ntarget:  ${info.target}\n`;
}

export const REPOSITORY_URL = "https://github.com/tollgate-dev/tollgate";
