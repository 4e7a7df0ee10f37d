/**
 * What the gates ask git: the files a stage may look at, the files changed
 * since a base, the staged files, the tree hash of the working files, and
 * re-staging what a fixer changed. Every call is an argv with a timeout.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childEnv, EnvironmentError, runProcess, UserError } from "../core/index.ts";

const GIT_TIMEOUT_MS = 60_000;

interface GitResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export type GitRunner = (args: readonly string[], extraEnv?: Record<string, string>) => Promise<GitResult>;

export function gitRunner(root: string): GitRunner {
  return async (args, extraEnv = {}) => {
    const result = await runProcess(["git", ...args], {
      cwd: root,
      timeoutMs: GIT_TIMEOUT_MS,
      env: childEnv(undefined, { ...extraEnv, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" }),
      maxStdoutBytes: 64 * 1024 * 1024,
    });
    return { exitCode: result.exitCode, stdout: result.stdout.text, stderr: result.stderr.text };
  };
}

async function gitOk(git: GitRunner, args: readonly string[], extraEnv?: Record<string, string>): Promise<string> {
  const result = await git(args, extraEnv);
  if (result.exitCode !== 0) {
    throw new EnvironmentError(
      "GIT_FAILED",
      `git ${args.join(" ")} exited ${result.exitCode}: ${result.stderr.trim().split("\n")[0] ?? ""}`,
    );
  }
  return result.stdout;
}

const nulList = (text: string) => text.split("\0").filter((item) => item !== "");

/** True when `root` is inside a git work tree. */
export async function isGitRepo(git: GitRunner): Promise<boolean> {
  const result = await git(["rev-parse", "--is-inside-work-tree"]);
  return result.exitCode === 0 && result.stdout.trim() === "true";
}

/** The work tree's top folder: paths git prints are relative to it, not to the project root. */
export async function gitTopLevel(git: GitRunner): Promise<string> {
  return (await gitOk(git, ["rev-parse", "--show-toplevel"])).trim();
}

export interface ChangedFiles {
  ref: string;
  mergeBase: string;
  /** Relative to the top of the work tree; existing files only (deleted ones have nothing to check). */
  files: string[];
}

/**
 * Files changed since the merge base of `ref` and HEAD, plus uncommitted and
 * untracked changes. A base that cannot be found (a shallow clone, a ref not
 * fetched) is an error that says so: checking "no files" would pass silently.
 */
export async function changedSince(git: GitRunner, ref: string): Promise<ChangedFiles> {
  if (ref.startsWith("-")) throw new UserError("INVALID_REF", `--changed=${ref}: a git ref cannot start with "-"`);
  const base = await git(["merge-base", ref, "HEAD"]);
  if (base.exitCode !== 0) {
    const shallow = (await git(["rev-parse", "--is-shallow-repository"])).stdout.trim() === "true";
    const why = shallow
      ? "this is a shallow clone, so the history that holds the base is missing; fetch it (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
      : `check that ${ref} exists here (\`git fetch origin\`, \`git branch -a\`)`;
    throw new EnvironmentError(
      "CHANGED_BASE_NOT_FOUND",
      `--changed=${ref}: no merge base between ${ref} and HEAD: ${why}. Nothing was checked rather than checking no files.`,
    );
  }
  const mergeBase = base.stdout.trim();
  const diff = nulList(await gitOk(git, ["diff", "-z", "--name-only", "--diff-filter=ACMR", mergeBase, "--"]));
  const untracked = nulList(await gitOk(git, ["ls-files", "-z", "--others", "--exclude-standard", "--full-name"]));
  return { ref, mergeBase, files: [...new Set([...diff, ...untracked])].sort() };
}

/** Files in the index that differ from HEAD (added, copied, modified, renamed). */
export async function stagedFiles(git: GitRunner): Promise<string[]> {
  return nulList(await gitOk(git, ["diff", "-z", "--cached", "--name-only", "--diff-filter=ACMR", "--"]));
}

/** Files whose working copy differs from the index. */
export async function unstagedFiles(git: GitRunner): Promise<string[]> {
  return nulList(await gitOk(git, ["diff", "-z", "--name-only", "--"]));
}

export async function stage(git: GitRunner, files: readonly string[]): Promise<void> {
  if (files.length > 0) await gitOk(git, ["add", "--", ...files]);
}

/**
 * The tree hash of the working files as they are (tracked and untracked, not
 * ignored), built in a throwaway index so the user's index is untouched.
 */
export async function workingTreeHash(git: GitRunner): Promise<string> {
  const indexPath = (await gitOk(git, ["rev-parse", "--path-format=absolute", "--git-path", "index"])).trim();
  const dir = mkdtempSync(join(tmpdir(), "tollgate-index-"));
  try {
    const temp = join(dir, "index");
    if (existsSync(indexPath)) copyFileSync(indexPath, temp);
    const env = { GIT_INDEX_FILE: temp };
    await gitOk(git, ["add", "--all", "--", "."], env);
    return (await gitOk(git, ["write-tree"], env)).trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
