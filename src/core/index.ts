export { type BuildInfo, buildInfo, REPOSITORY_URL } from "./build-info.ts";
export { canonicalJson, randomHex, sha256Hex } from "./canonical.ts";
export { jsonArg } from "./cli.ts";
export type { CheckStatus, DoctorCheck } from "./doctor.ts";
export { BASE_CHILD_ENV, childEnv, isCI, STRIPPED_CHILD_ENV, withoutStripped } from "./env.ts";
export { EnvironmentError, ExitCode, InterruptedError, isTollgateError, TollgateError, UserError } from "./errors.ts";
export {
  describeFsError,
  ensurePrivateDir,
  PRIVATE_DIR_MODE,
  PRIVATE_FILE_MODE,
  readFileCapped,
  writeFileAtomic,
} from "./files.ts";
export { printJson, writeStderr, writeStdout } from "./output.ts";
export { enclosingProject, findProjectRoot, homeDir, projectStateDir, userCacheDir, userConfigDir } from "./paths.ts";
export {
  type CapturedStream,
  type PipelineResult,
  type PipelineSegment,
  type RunOptions,
  type RunResult,
  runPipeline,
  runProcess,
} from "./process.ts";
export { EMBEDDED_ROOTS, type RuntimeInfo, runtimeInfo } from "./runtime.ts";
export { type Database, openDatabase, type SqlValue } from "./runtime-sqlite.ts";
export { canPrompt, isTerminal, type StdFd, stripAnsi, useColor } from "./terminal.ts";
