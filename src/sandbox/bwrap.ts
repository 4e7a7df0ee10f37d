import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { findProjectRoot, type PipelineResult, projectStateDir, runPipeline, userConfigDir } from "../core/index.ts";
import { bwrapArgs, type HostInfo, SandboxError, within } from "./bwrap-args.ts";
import type { CommandPlan } from "./plan.ts";

/** What a hardened launch reports per segment: the command's exit code, or undefined when bwrap never started it. */
export interface HardenedRun {
  pipeline: PipelineResult;
  exitCodes: (number | undefined)[];
}

/** The host as the argv builder sees it, read from the real file system. */
export function realHost(prlimit: string, staged: Record<string, string>, hidden: readonly string[]): HostInfo {
  return {
    prlimit,
    realpath: (path) => {
      try {
        return realpathSync(path);
      } catch {
        return undefined;
      }
    },
    isDirectory: (path) => {
      try {
        return statSync(path).isDirectory();
      } catch {
        return false;
      }
    },
    readText: (path) => {
      try {
        return readFileSync(path, "utf8").slice(0, 4096);
      } catch {
        return undefined;
      }
    },
    hidden,
    staged,
    statusFd: STATUS_FD,
  };
}

/**
 * tollgate's own folders: the user's keys and config, and the `.tollgate`
 * state of the caller's project, of the command's, and of every folder the
 * command may see (those that do not exist are left out by the argv builder).
 */
export function tollgateFolders(plan: CommandPlan): string[] {
  const roots = [plan.cwd, ...plan.readPaths, ...plan.writePaths];
  const states = roots.flatMap((root) => [projectStateDir(root), projectStateDir(findProjectRoot(root))]);
  return [...new Set([userConfigDir(), projectStateDir(findProjectRoot()), ...states])];
}

/** bwrap reads its arguments from fd 3 (never on a command line other users can read) and reports to fd 4. */
const ARGS_FD = 3;
const STATUS_FD = 4;

/**
 * Makes the host ready for the mounts: a missing write path is created as a
 * folder (only under a real, symlink-free existing folder); inside a writable
 * root, a repository without `.git/hooks` gets the empty folder git itself
 * creates, and a missing tollgate folder (`.tollgate`) is created, so each can
 * be mounted over: otherwise the command could create them and plant hooks
 * or state that tollgate would trust later.
 */
export function prepareWritePaths(plan: CommandPlan, hidden: readonly string[]): void {
  for (const path of plan.writePaths) {
    if (!existsSync(path)) {
      let parent = dirname(path);
      while (!existsSync(parent)) parent = dirname(parent);
      if (realpathSync(parent) !== parent) {
        throw new SandboxError(`write path ${path} does not exist and ${parent} is reached through a symlink`);
      }
      mkdirSync(path, { recursive: true });
    }
    // Only where nothing on the way is a symlink: a write path pointing elsewhere is refused later, untouched.
    if (realpathSync(path) !== path) continue;
    const gitDir = join(path, ".git");
    if (existsSync(gitDir) && statSync(gitDir).isDirectory()) mkdirSync(join(gitDir, "hooks"), { recursive: true });
    for (const dir of hidden) {
      if (within(dir, path) && dir !== path && !existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
    }
  }
}

/** Runs every segment in its own bubblewrap sandbox, joined by pipes. */
export function launchHardened(
  plan: CommandPlan,
  bwrap: string,
  host: HostInfo,
  stagingDir: string,
  graceMs: number | undefined,
): { args: string[][]; run: () => Promise<HardenedRun> } {
  const args = bwrapArgs(plan, host);
  return {
    args,
    run: async () => {
      const fds: number[] = [];
      const statusFiles = args.map((_, index) => join(stagingDir, `status-${index}`));
      try {
        const segments = args.map((segmentArgs, index) => {
          const argsFile = join(stagingDir, `args-${index}`);
          // Options (with --setenv values) go through the file; the command must stay on the command line.
          const split = segmentArgs.indexOf("--");
          writeFileSync(argsFile, `${segmentArgs.slice(0, split).join("\0")}\0`, { mode: 0o600 });
          const argsFd = openSync(argsFile, "r");
          unlinkSync(argsFile);
          const statusFd = openSync(statusFiles[index] as string, "w", 0o600);
          fds.push(argsFd, statusFd);
          return {
            argv: [bwrap, "--args", String(ARGS_FD), ...segmentArgs.slice(split)],
            extraFds: [argsFd, statusFd],
          };
        });
        const pipeline = await runPipeline(segments, { cwd: "/", env: {}, timeoutMs: plan.timeoutMs, graceMs });
        return { pipeline, exitCodes: statusFiles.map(childExitCode) };
      } finally {
        for (const fd of fds) closeSync(fd);
      }
    },
  };
}

/**
 * bwrap writes `"exit-code"` only once its set-up finished and the command it
 * started has ended: a sandbox that could not start never reports one.
 */
function childExitCode(statusFile: string): number | undefined {
  const match = /"exit-code"\s*:\s*(\d+)/.exec(readFileSync(statusFile, "utf8"));
  return match ? Number(match[1]) : undefined;
}
