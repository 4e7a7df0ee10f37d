/**
 * `tollgate setup`: wires a project to tollgate's stages (a git pre-commit
 * hook, a Claude Code PostToolUse hook, an AGENTS.md block, optionally a
 * GitHub workflow, and `.tollgate/` in .gitignore). Every part is planned
 * first, from what is on disk, and nothing is written until every part is
 * known to be writable, so a conflict leaves the project as it was.
 */
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import {
  childEnv,
  EnvironmentError,
  ExitCode,
  REPOSITORY_URL,
  readFileCapped,
  runProcess,
  UserError,
  writeFileAtomic,
} from "../core/index.ts";

type SetupPart = "hook" | "claude" | "agents" | "ci" | "gitignore";
type SetupState = "created" | "updated" | "unchanged" | "chained" | "skipped" | "conflict";
type CheckState = "ok" | "missing" | "stale" | "skipped" | "conflict";

export interface SetupItem {
  item: SetupPart;
  /** Relative to the project root when inside it; null when there is no such file (a skipped hook). */
  path: string | null;
  state: SetupState | CheckState;
  detail: string;
}

export interface SetupReport {
  root: string;
  items: SetupItem[];
  exitCode: ExitCode;
}

export interface SetupOptions {
  root: string;
  /** Undefined: install the hook when the project is a git repository, skip it otherwise. */
  hook?: boolean;
  claude?: boolean;
  agents?: boolean;
  /** A CI provider (only "github"), or undefined for none. */
  ci?: string;
  /** Chain to a pre-commit hook that is not tollgate's (the default); false refuses unless `force`. */
  chain?: boolean;
  force?: boolean;
  /** Change nothing; report each part as ok, missing, stale or conflict. */
  check?: boolean;
  /** The environment git runs with; defaults to `childEnv()`. */
  env?: Record<string, string>;
}

export const CI_PROVIDERS = ["github"] as const;
export const HOOK_MARKER = "# tollgate: pre-commit hook v1";
export const AGENTS_BEGIN = "<!-- tollgate:begin -->";
export const AGENTS_END = "<!-- tollgate:end -->";
const CLAUDE_MATCHER = "Edit|MultiEdit|Write";
const CLAUDE_COMMAND = "tollgate post-edit";

const PROJECT_FILE_MODE = 0o644;
const HOOK_MODE = 0o755;
const MAX_FILE_BYTES = 1024 * 1024;
const GIT_TIMEOUT_MS = 10_000;
const ANY_HOOK_MARKER = /^# tollgate: pre-commit hook v\d+$/m;

interface FileWrite {
  path: string;
  content: string | Uint8Array;
  mode: number;
}

interface Outcome {
  state: SetupState | CheckState;
  detail: string;
}

/** One part: what setup would do (and write), and what `--check` says about it. */
interface Planned {
  item: SetupPart;
  path: string | null;
  setup: Outcome;
  check: Outcome;
  writes: FileWrite[];
}

interface Existing {
  bytes: Uint8Array;
  text: string;
  mode: number;
}

// ---- the files setup writes ----

export function hookScript(): string {
  return `#!/bin/sh
${HOOK_MARKER}
# Written by \`tollgate setup\`, which rewrites this file. Put your own checks in
# pre-commit.local beside it: it runs first, and a failure stops the commit.
hookdir=$(dirname "$0")
if [ -x "$hookdir/pre-commit.local" ]; then
  "$hookdir/pre-commit.local" "$@" || exit $?
fi
if ! command -v tollgate >/dev/null 2>&1; then
  echo "pre-commit: tollgate is not on PATH, so its gates cannot run and the commit is blocked." >&2
  echo "Install it (${REPOSITORY_URL}) or add it to PATH; git commit --no-verify skips every hook once." >&2
  exit 1
fi
exec tollgate pre-commit
`;
}

export function agentsBlock(): string {
  return `${AGENTS_BEGIN}
## Quality gates (tollgate)

This project checks every change with [tollgate](${REPOSITORY_URL}).

- Run \`tollgate check\` before you say a task is done, and fix what it reports.
- \`tollgate ci\` is what CI runs: a change is not done until it passes.
- Never disable, skip or loosen a gate to get green (config edits, ignore comments, \`git commit --no-verify\`).
  Fix the code, or explain why the gate is wrong and leave that decision to a person.
- Reports of the last run are in \`.tollgate/\`; read them for the details of a failure.

\`tollgate setup\` maintains the text between these markers; edit outside them.
${AGENTS_END}`;
}

function githubWorkflow(): string {
  return `# Written by \`tollgate setup --ci=github\`; setup never rewrites it, so it is yours to edit.
name: tollgate
on:
  push:
  pull_request:
permissions:
  contents: read
  security-events: write
jobs:
  gates:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0 # full history, so --changed can diff against the base
      - name: Install tollgate
        run: |
          curl -fsSL ${REPOSITORY_URL}/releases/latest/download/install.sh | sh
          echo "$HOME/.local/bin" >> "$GITHUB_PATH"
      - name: Run the gates
        run: tollgate ci --sarif tollgate.sarif --junit tollgate-junit.xml
      - name: Upload the findings to code scanning
        if: always()
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: tollgate.sarif
`;
}

// ---- pure planning of each file's new content ----

export type ContentPlan =
  | { kind: "create" | "add" | "update"; content: string }
  | { kind: "none" }
  | { kind: "conflict"; detail: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasPostEditHook(groups: unknown[]): boolean {
  return groups.some(
    (group) =>
      isObject(group) &&
      Array.isArray(group.hooks) &&
      group.hooks.some((hook) => isObject(hook) && hook.command === CLAUDE_COMMAND),
  );
}

/** The indentation of the first indented line, so a rewrite keeps the file's style; two spaces if none. */
function indentationOf(text: string): string {
  return /^([ \t]+)\S/m.exec(text)?.[1] ?? "  ";
}

/** `.claude/settings.json` with tollgate's PostToolUse hook merged in, every other key and hook kept. */
export function mergeClaudeSettings(text: string | undefined, file: string): ContentPlan {
  let settings: unknown = {};
  if (text !== undefined && text.trim() !== "") {
    try {
      settings = JSON.parse(text);
    } catch (error) {
      const reason = (error as Error).message;
      return {
        kind: "conflict",
        detail: `${file} is not valid JSON (${reason}); fix it, then run tollgate setup again`,
      };
    }
  }
  const hooks = isObject(settings) ? (settings.hooks ?? {}) : undefined;
  const postToolUse = isObject(hooks) ? (hooks.PostToolUse ?? []) : undefined;
  if (!isObject(settings) || !isObject(hooks) || !Array.isArray(postToolUse)) {
    const detail = `${file} must be a JSON object whose "hooks" is an object and "hooks.PostToolUse" an array; fix it, then run tollgate setup again`;
    return { kind: "conflict", detail };
  }
  if (hasPostEditHook(postToolUse)) return { kind: "none" };
  const entry = { matcher: CLAUDE_MATCHER, hooks: [{ type: "command", command: CLAUDE_COMMAND }] };
  const merged = { ...settings, hooks: { ...hooks, PostToolUse: [...postToolUse, entry] } };
  const content = `${JSON.stringify(merged, null, indentationOf(text ?? ""))}\n`;
  return { kind: text === undefined ? "create" : "add", content };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** AGENTS.md with tollgate's block inserted or brought up to date; the text outside the markers is kept as it is. */
export function upsertAgentsBlock(text: string | undefined, file = "AGENTS.md"): ContentPlan {
  const block = agentsBlock();
  if (text === undefined) return { kind: "create", content: `${block}\n` };
  const begin = text.indexOf(AGENTS_BEGIN);
  const end = text.indexOf(AGENTS_END);
  if (begin === -1 && end === -1) {
    const separator = text === "" ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    return { kind: "add", content: `${text}${separator}${block}\n` };
  }
  if (count(text, AGENTS_BEGIN) !== 1 || count(text, AGENTS_END) !== 1 || end < begin) {
    const detail = `${file} must hold exactly one ${AGENTS_BEGIN} followed by one ${AGENTS_END}; fix the markers by hand, then run tollgate setup again`;
    return { kind: "conflict", detail };
  }
  const current = text.slice(begin, end + AGENTS_END.length);
  if (current === block) return { kind: "none" };
  return { kind: "update", content: text.replace(current, () => block) };
}

/** True for a .gitignore line that ignores the `.tollgate` folder (`.tollgate`, `/.tollgate/`, `**\/.tollgate/*`...). */
function ignoresStateDir(line: string): boolean {
  const pattern = line
    .trim()
    .replace(/^\//, "")
    .replace(/^\*\*\//, "")
    .replace(/\/(\*\*?)?$/, "");
  return pattern === ".tollgate";
}

/** .gitignore with a `.tollgate/` line appended when no line already ignores it. */
export function ensureGitignored(text: string | undefined): ContentPlan {
  if (text === undefined) return { kind: "create", content: ".tollgate/\n" };
  if (text.split(/\r?\n/).some(ignoresStateDir)) return { kind: "none" };
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  return { kind: "add", content: `${text}${separator}.tollgate/\n` };
}

// ---- reading the project ----

function readExisting(path: string): Existing | undefined {
  if (!existsSync(path)) return undefined;
  const bytes = readFileCapped(path, MAX_FILE_BYTES);
  return { bytes, text: new TextDecoder().decode(bytes), mode: statSync(path).mode & 0o7777 };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** How a path is shown: relative to the root when inside it, absolute otherwise. */
function display(root: string, path: string): string {
  const rel = relative(root, path);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? path : rel.split(sep).join("/");
}

type HooksDir = { ok: true; dir: string } | { ok: false; reason: "no-git" | "not-a-repository" };

/** The folder git runs hooks from, asked of git itself (core.hooksPath, worktrees). */
async function gitHooksDir(root: string, env: Record<string, string> = childEnv()): Promise<HooksDir> {
  const argv = ["git", "rev-parse", "--git-path", "hooks"];
  const result = await runProcess(argv, { cwd: root, env, timeoutMs: GIT_TIMEOUT_MS }).catch((error: unknown) => {
    if (error instanceof EnvironmentError) return undefined;
    throw error;
  });
  if (result === undefined) return { ok: false, reason: "no-git" };
  if (result.timedOut) {
    throw new EnvironmentError("GIT_TIMEOUT", `${argv.join(" ")} did not answer within ${GIT_TIMEOUT_MS / 1000} s`);
  }
  if (result.exitCode !== 0) return { ok: false, reason: "not-a-repository" };
  return { ok: true, dir: resolve(root, result.stdout.text.trim()) };
}

// ---- planning each part ----

type Decision = Omit<Planned, "item" | "path">;

function outcome(setup: Outcome, check: Outcome, writes: FileWrite[] = []): Decision {
  return { setup, check, writes };
}

function conflict(detail: string): Decision {
  return outcome({ state: "conflict", detail }, { state: "conflict", detail });
}

/** A plain project file (settings, AGENTS.md, .gitignore) from its content plan. */
function planFile(item: SetupPart, root: string, path: string, plan: ContentPlan, what: string): Planned {
  const base = { item, path: display(root, path) };
  if (plan.kind === "conflict") return { ...base, ...conflict(plan.detail) };
  if (plan.kind === "none") {
    return {
      ...base,
      ...outcome({ state: "unchanged", detail: `has ${what}` }, { state: "ok", detail: `has ${what}` }),
    };
  }
  const outcomes: Record<typeof plan.kind, [Outcome, Outcome]> = {
    create: [
      { state: "created", detail: `with ${what}` },
      { state: "missing", detail: "no such file" },
    ],
    add: [
      { state: "updated", detail: `added ${what}` },
      { state: "missing", detail: `lacks ${what}` },
    ],
    update: [
      { state: "updated", detail: `brought ${what} up to date` },
      { state: "stale", detail: `${what} differs from what setup writes` },
    ],
  };
  const [setup, check] = outcomes[plan.kind];
  return { ...base, ...outcome(setup, check, [{ path, content: plan.content, mode: PROJECT_FILE_MODE }]) };
}

function planClaude(root: string): Planned {
  const path = join(root, ".claude", "settings.json");
  const plan = mergeClaudeSettings(readExisting(path)?.text, display(root, path));
  const planned = planFile("claude", root, path, plan, `the PostToolUse hook running ${CLAUDE_COMMAND}`);
  // Settings without the hook are drift: setup wrote it, or the project had settings of its own.
  if (plan.kind === "add")
    planned.check = { state: "stale", detail: `lacks the PostToolUse hook running ${CLAUDE_COMMAND}` };
  return planned;
}

function planAgents(root: string): Planned {
  const path = join(root, "AGENTS.md");
  return planFile("agents", root, path, upsertAgentsBlock(readExisting(path)?.text), "the tollgate block");
}

function planGitignore(root: string): Planned {
  const path = join(root, ".gitignore");
  return planFile("gitignore", root, path, ensureGitignored(readExisting(path)?.text), "the .tollgate/ line");
}

/** The workflow files under .github/workflows that mention tollgate. */
function workflowsMentioningTollgate(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .filter((name) => /tollgate/i.test(readExisting(join(dir, name))?.text ?? ""));
}

function planCi(root: string, force: boolean): Planned {
  const dir = join(root, ".github", "workflows");
  const path = join(dir, "tollgate.yml");
  const [present] = workflowsMentioningTollgate(dir);
  if (present !== undefined) {
    const detail = "a workflow here already runs tollgate";
    const found = { item: "ci" as const, path: display(root, join(dir, present)) };
    return { ...found, ...outcome({ state: "unchanged", detail }, { state: "ok", detail }) };
  }
  const base = { item: "ci" as const, path: display(root, path) };
  const replacing = existsSync(path);
  if (replacing && !force) {
    return { ...base, ...conflict(`${base.path} exists and does not run tollgate; pass --force to replace it`) };
  }
  const setup: Outcome = {
    state: replacing ? "updated" : "created",
    detail: "runs tollgate ci on push and pull_request, uploads SARIF",
  };
  const check: Outcome = { state: "missing", detail: "no workflow runs tollgate" };
  return { ...base, ...outcome(setup, check, [{ path, content: githubWorkflow(), mode: PROJECT_FILE_MODE }]) };
}

interface HookFiles {
  hook: string;
  local: string;
  backup: string;
}

function hookFiles(dir: string): HookFiles {
  return { hook: join(dir, "pre-commit"), local: join(dir, "pre-commit.local"), backup: join(dir, "pre-commit.bak") };
}

/** Keeps a hook that is not tollgate's under another name (same bytes, same mode), refusing to clobber a different file. */
function keepAs(existing: Existing, path: string, shown: string): FileWrite[] | string {
  const there = readExisting(path);
  if (there === undefined) return [{ path, content: existing.bytes, mode: existing.mode }];
  if (sameBytes(there.bytes, existing.bytes)) return [];
  return `${shown} already exists and differs from the current pre-commit hook; merge the two by hand or move ${shown} away, then run tollgate setup again`;
}

function planForeignHook(root: string, files: HookFiles, existing: Existing, options: SetupOptions): Decision {
  const ours = { path: files.hook, content: hookScript(), mode: HOOK_MODE };
  if (options.chain !== false) {
    const kept = keepAs(existing, files.local, display(root, files.local));
    if (typeof kept === "string") return conflict(kept);
    return outcome(
      { state: "chained", detail: "chained to the existing hook, now pre-commit.local" },
      { state: "missing", detail: "the hook is not tollgate's; setup would chain to it (kept as pre-commit.local)" },
      [...kept, ours],
    );
  }
  const refusal = `${display(root, files.hook)} is not tollgate's hook; drop --no-chain to chain to it, or pass --force to replace it (kept as pre-commit.bak)`;
  if (!options.force) return conflict(refusal);
  const kept = keepAs(existing, files.backup, display(root, files.backup));
  if (typeof kept === "string") return conflict(kept);
  return outcome(
    { state: "updated", detail: "replaced the existing hook, kept as pre-commit.bak" },
    { state: "conflict", detail: refusal },
    [...kept, ours],
  );
}

function planHookIn(root: string, dir: string, options: SetupOptions): Planned {
  const files = hookFiles(dir);
  const base = { item: "hook" as const, path: display(root, files.hook) };
  const existing = readExisting(files.hook);
  const write = [{ path: files.hook, content: hookScript(), mode: HOOK_MODE }];
  if (existing === undefined) {
    return {
      ...base,
      ...outcome(
        { state: "created", detail: "runs tollgate pre-commit" },
        { state: "missing", detail: "no pre-commit hook" },
        write,
      ),
    };
  }
  if (!ANY_HOOK_MARKER.test(existing.text)) return { ...base, ...planForeignHook(root, files, existing, options) };
  if (existing.text === hookScript() && (existing.mode & 0o111) !== 0) {
    return { ...base, ...outcome({ state: "unchanged", detail: "up to date" }, { state: "ok", detail: "up to date" }) };
  }
  const detail = existing.text === hookScript() ? "not executable" : "older than what setup writes";
  return { ...base, ...outcome({ state: "updated", detail: `was ${detail}` }, { state: "stale", detail }, write) };
}

async function planHook(options: SetupOptions): Promise<Planned | undefined> {
  if (options.hook === false) return undefined;
  const found = await gitHooksDir(options.root, options.env);
  if (found.ok) return planHookIn(options.root, found.dir, options);
  if (options.hook === true) {
    if (found.reason === "no-git") {
      throw new EnvironmentError(
        "GIT_NOT_FOUND",
        "git is not on PATH, so the pre-commit hook cannot be set up; install git or pass --no-hook",
      );
    }
    throw new UserError(
      "NOT_A_GIT_REPOSITORY",
      `${options.root} is not in a git repository; run git init first, or pass --no-hook`,
    );
  }
  const detail = found.reason === "no-git" ? "git is not on PATH" : "not a git repository";
  return { item: "hook", path: null, ...outcome({ state: "skipped", detail }, { state: "skipped", detail }) };
}

/** Refuses a CI provider tollgate has no workflow for. */
export function parseCi(value: string | undefined): (typeof CI_PROVIDERS)[number] | undefined {
  if (value === undefined) return undefined;
  const provider = CI_PROVIDERS.find((name) => name === value);
  if (provider === undefined) {
    throw new UserError("UNKNOWN_CI", `unknown --ci value "${value}"; supported: ${CI_PROVIDERS.join(", ")}`);
  }
  return provider;
}

/** Every part asked for, planned from what is on disk; writes nothing. */
async function planSetup(options: SetupOptions): Promise<Planned[]> {
  const ci = parseCi(options.ci);
  const planned = [
    await planHook(options),
    options.claude === false ? undefined : planClaude(options.root),
    options.agents === false ? undefined : planAgents(options.root),
    ci === undefined ? undefined : planCi(options.root, options.force === true),
    planGitignore(options.root),
  ];
  return planned.filter((item): item is Planned => item !== undefined);
}

/** Writes every planned file, or nothing when any part is in conflict. */
function applySetup(planned: readonly Planned[]): void {
  const conflicts = planned.filter((item) => item.setup.state === "conflict");
  if (conflicts.length > 0) {
    const lines = conflicts.map((item) => `\n  ${item.setup.detail}`).join("");
    throw new UserError("SETUP_CONFLICT", `nothing was changed:${lines}`);
  }
  for (const write of planned.flatMap((item) => item.writes)) {
    mkdirSync(dirname(write.path), { recursive: true });
    writeFileAtomic(write.path, write.content, { mode: write.mode });
  }
}

/** `tollgate setup` (or `--check`) on `options.root`. */
export async function runSetup(options: SetupOptions): Promise<SetupReport> {
  const planned = await planSetup(options);
  const report = (pick: (item: Planned) => Outcome) =>
    planned.map((item) => ({ item: item.item, path: item.path, ...pick(item) }));
  if (options.check) {
    const items = report((item) => item.check);
    const drift = items.some((item) => item.state === "missing" || item.state === "stale" || item.state === "conflict");
    return { root: options.root, items, exitCode: drift ? ExitCode.checkFailed : ExitCode.ok };
  }
  applySetup(planned);
  return { root: options.root, items: report((item) => item.setup), exitCode: ExitCode.ok };
}

/** One line per item for stderr: `created  .git/hooks/pre-commit (runs tollgate pre-commit)`. */
export function formatReport(items: readonly SetupItem[]): string {
  const width = Math.max(...items.map((item) => item.state.length));
  return items
    .map((item) => `${item.state.padEnd(width)}  ${item.path ?? "git pre-commit hook"} (${item.detail})\n`)
    .join("");
}
