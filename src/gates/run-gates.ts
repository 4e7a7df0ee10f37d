/**
 * A stage from start to finish, as the CLI (and later the agent) runs it:
 * config, detection, the files in scope (changed, staged), tool probes, the
 * run, pre-commit's re-staging, and the git facts the evidence records.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { EnvironmentError, sha256Hex, UserError, useNormalJit, userCacheDir } from "../core/index.ts";
import { closest, type FlagOverride, gateWanted, loadConfig } from "./config.ts";
import { GATE_NAMES, type GateName } from "./config-schema.ts";
import { projectFiles } from "./config-sources.ts";
import { detectProject } from "./detect.ts";
import {
  changedSince,
  type GitRunner,
  stage as gitAdd,
  gitRunner,
  gitTopLevel,
  isGitRepo,
  stagedFiles,
  unstagedFiles,
  workingTreeHash,
} from "./git.ts";
import { probeTools, realRunner } from "./probe.ts";
import { cachedVersionRunner } from "./probe-cache.ts";
import type { Stage, StageReport } from "./result.ts";
import { runStage } from "./runner.ts";
import { runSandboxedStep } from "./sandboxed-steps.ts";
import { STAGE_SPECS, type StageSpec, singleGateSpec } from "./stages.ts";

export interface GatesRequest {
  root: string;
  stage: Exclude<Stage, "gate">;
  /** `tollgate gate NAME`: a built-in gate, or a custom gate's name. */
  gate?: string;
  flags: readonly FlagOverride[];
  /** --changed: "" for the default base, or a ref. */
  changed?: string;
  useCache: boolean;
  /** Report files (absolute) written after the run (--sarif, --junit): never inputs of the cache key. */
  outputs?: readonly string[];
}

export interface GatesRun {
  report: StageReport;
  /** What a person should know beyond the verdicts (files not re-staged, detection problems). */
  notes: string[];
}

const DEFAULT_BASES = ["origin/HEAD", "origin/main", "main", "origin/master", "master"];

async function defaultBase(git: GitRunner): Promise<string> {
  for (const ref of DEFAULT_BASES) {
    if ((await git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`])).exitCode === 0) return ref;
  }
  throw new EnvironmentError(
    "CHANGED_BASE_NOT_FOUND",
    `--changed: none of ${DEFAULT_BASES.join(", ")} exists here; name the base (--changed=REF)`,
  );
}

/** Git paths are relative to the top of the work tree; the gates' are relative to the project root. */
function underRoot(files: readonly string[], top: string, root: string): string[] {
  const prefix = relative(top, root);
  if (prefix === "") return [...files];
  return files.filter((file) => file.startsWith(`${prefix}/`)).map((file) => file.slice(prefix.length + 1));
}

function stageSpec(request: GatesRequest, customNames: readonly string[]): StageSpec {
  if (request.gate === undefined) return STAGE_SPECS[request.stage];
  const known = [...GATE_NAMES, ...customNames];
  if (!known.includes(request.gate)) {
    const match = closest(request.gate, known);
    throw new UserError(
      "UNKNOWN_GATE",
      `unknown gate "${request.gate}"${match ? ` (did you mean ${match}?)` : ""}; the gates are ${known.join(", ")}`,
    );
  }
  if (customNames.includes(request.gate)) return { ...singleGateSpec("acceptance"), gates: [] };
  return singleGateSpec(request.gate as GateName);
}

export async function runGates(request: GatesRequest): Promise<GatesRun> {
  // A stage runs for seconds and parses tools' reports, some of them megabytes: JIT as usual.
  useNormalJit();
  const { root } = request;
  const startedAt = new Date();
  const { config, file } = loadConfig(projectFiles(root), request.flags);
  const detection = detectProject(root);
  const custom = config.gates.custom;
  const spec = stageSpec(
    request,
    custom.map((gate) => gate.name),
  );
  const stage: Stage = request.gate === undefined ? request.stage : "gate";
  // In a stage, custom gates are the acceptance gate's: --skip, --only and gates.acceptance switch them.
  const customGates = custom.filter((gate) =>
    request.gate === undefined
      ? gateWanted(config, "acceptance") && (gate.stages as readonly string[]).includes(request.stage)
      : request.gate === gate.name || request.gate === "acceptance",
  );
  if (detection.projects.length === 0 && customGates.length === 0) {
    throw new UserError(
      "NO_PROJECT",
      `no pyproject.toml, setup.py or package.json in ${root} or its subfolders, and no custom gates: nothing to check`,
    );
  }
  const notes = detection.problems.map((problem) => `detection: ${problem}`);
  const git = gitRunner(root);
  const inGit = await isGitRepo(git);
  const top = inGit ? await gitTopLevel(git) : root;
  let files: string[] | undefined;
  let changedInfo: StageReport["changedSince"];
  if (request.changed !== undefined || spec.scope !== "project") {
    if (!inGit) {
      const why = request.changed !== undefined ? "--changed" : `${request.stage} (${spec.scope} files)`;
      throw new UserError("NOT_A_GIT_REPO", `${why} needs a git repository, and ${root} is not in one`);
    }
    if (spec.scope === "staged") files = underRoot(await stagedFiles(git), top, root);
    else {
      const ref = request.changed || (spec.scope === "uncommitted" ? "HEAD" : await defaultBase(git));
      const changed = await changedSince(git, ref);
      files = underRoot(changed.files, top, root);
      changedInfo = { ref, mergeBase: changed.mergeBase, files: files.length };
    }
  }
  const probes = await probeTools(detection, cachedVersionRunner(realRunner(), userCacheDir()));
  const restage =
    spec.scope === "staged" && files !== undefined ? await restager(git, top, root, files, notes) : undefined;
  const report = await runStage({
    stage,
    spec,
    root,
    detection,
    config,
    probes,
    customGates,
    ...(files === undefined ? {} : { files }),
    ...(request.outputs ? { outputs: request.outputs } : {}),
    useCache: request.useCache,
    ...(config.sandbox ? { execute: runSandboxedStep } : {}),
    ...(restage ? { afterFixers: restage } : {}),
    startedAt,
  });
  if (inGit) report.treeHash = await workingTreeHash(git);
  if (changedInfo) report.changedSince = changedInfo;
  if (file !== undefined) report.config.file = file;
  return { report, notes };
}

function sha256File(root: string, file: string): string {
  const path = join(root, file);
  return existsSync(path) ? sha256Hex(readFileSync(path)) : "missing";
}

/**
 * pre-commit's re-staging: a staged file the fixers changed is staged again
 * only when it had no unstaged changes before (re-adding a partly staged file
 * would commit hunks its author left out); the others are named in a note.
 */
async function restager(
  git: GitRunner,
  top: string,
  root: string,
  staged: readonly string[],
  notes: string[],
): Promise<() => Promise<void>> {
  const partly = new Set(underRoot(await unstagedFiles(git), top, root));
  const before = new Map(staged.map((file) => [file, sha256File(root, file)]));
  return async () => {
    const fixed = staged.filter((file) => sha256File(root, file) !== before.get(file));
    const clean = fixed.filter((file) => !partly.has(file));
    // git runs in the root, so root-relative paths are what it expects.
    await gitAdd(git, clean);
    for (const file of fixed.filter((item) => partly.has(item))) {
      notes.push(
        `${file}: fixed by the fixers but not re-staged, because it also has unstaged changes; review with \`git diff ${file}\` and stage what belongs in the commit`,
      );
    }
    if (clean.length > 0) notes.push(`re-staged after fixing: ${clean.join(", ")}`);
  };
}
