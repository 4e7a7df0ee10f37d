export { buildInfo, REPOSITORY_URL } from "./build-info.ts";
export { canonicalJson, randomHex, sha256Hex } from "./canonical.ts";
export { defineCommand, jsonArg, optionalValue } from "./cli.ts";
export type { DoctorCheck } from "./doctor.ts";
export { BASE_CHILD_ENV, childEnv, isCI } from "./env.ts";
export { EnvironmentError, ExitCode, isTollgateError, TollgateError, UserError } from "./errors.ts";
export {
  checkStateDir,
  describeFsError,
  ensurePrivateDir,
  PRIVATE_FILE_MODE,
  readFileCapped,
  withStateDir,
  writeFileAtomic,
} from "./files.ts";
export { once } from "./once.ts";
export { printJson, writeStderr, writeStdout } from "./output.ts";
export { enclosingProject, findProjectRoot, homeDir, projectStateDir, userCacheDir, userConfigDir } from "./paths.ts";
export { type CapturedStream, type PipelineResult, runPipeline, runProcess } from "./process.ts";
export { EMBEDDED_ROOTS, useNormalJit } from "./runtime.ts";
export { type Database, openDatabase } from "./runtime-sqlite.ts";
export { canPrompt, stripAnsi, useColor } from "./terminal.ts";
