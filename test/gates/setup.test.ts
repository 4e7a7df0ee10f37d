import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AGENTS_BEGIN,
  AGENTS_END,
  agentsBlock,
  ensureGitignored,
  HOOK_MARKER,
  hookScript,
  mergeClaudeSettings,
  parseCi,
  runSetup,
  type SetupItem,
  type SetupOptions,
  upsertAgentsBlock,
} from "../../src/gates/setup.ts";
import { PROJECT_ROOT, tempDir, userErrorOf } from "../helpers.ts";

const SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin";

/** git's environment for the tests: a private HOME, so the machine's global config (a core.hooksPath) cannot leak in. */
function gitEnv(home: string, path = SYSTEM_PATH): Record<string, string> {
  return {
    PATH: path,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: "Test",
    GIT_AUTHOR_EMAIL: "test@example.com",
    GIT_COMMITTER_NAME: "Test",
    GIT_COMMITTER_EMAIL: "test@example.com",
  };
}

function git(cwd: string, args: string[], env = gitEnv(tempDir("tollgate-home-"))) {
  const result = spawnSync("git", args, { cwd, env, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function gitRepo(): string {
  const root = tempDir("tollgate-setup-");
  expect(git(root, ["init", "-q"]).code).toBe(0);
  return root;
}

function write(path: string, content: string, mode = 0o644): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
}

function read(path: string): string {
  return readFileSync(path, "utf8");
}

function setup(root: string, options: Partial<SetupOptions> = {}) {
  return runSetup({ root, env: gitEnv(tempDir("tollgate-home-")), ...options });
}

function itemOf(items: readonly SetupItem[], item: SetupItem["item"]): SetupItem {
  const found = items.find((entry) => entry.item === item);
  if (found === undefined) throw new Error(`no ${item} item`);
  return found;
}

/** A fake `tollgate` on PATH that records its arguments and exits with `exitCode`. */
function fakeTollgate(exitCode: number): { bin: string; log: string } {
  const bin = tempDir("tollgate-bin-");
  const log = join(bin, "argv.log");
  write(join(bin, "tollgate"), `#!/bin/sh\necho "$*" >> '${log}'\nexit ${exitCode}\n`, 0o755);
  return { bin, log };
}

function commit(root: string, path: string, file = `f${Math.random()}.txt`) {
  writeFileSync(join(root, file), "content\n");
  const env = gitEnv(tempDir("tollgate-home-"), path);
  expect(git(root, ["add", file], env).code).toBe(0);
  return git(root, ["commit", "-q", "-m", "change"], env);
}

function commitCount(root: string): number {
  const result = git(root, ["rev-list", "--count", "HEAD"]);
  return result.code === 0 ? Number(result.stdout.trim()) : 0;
}

/** An existing hook that is not tollgate's: it records that it ran, and exits with `exitCode`. */
function foreignHook(root: string, exitCode = 0): { hook: string; ran: string } {
  const ran = join(root, "old-hook-ran");
  const hook = join(root, ".git", "hooks", "pre-commit");
  write(hook, `#!/bin/sh\necho ran >> '${ran}'\nexit ${exitCode}\n`, 0o755);
  return { hook, ran };
}

describe("Claude Code settings", () => {
  const entry = { matcher: "Edit|MultiEdit|Write", hooks: [{ type: "command", command: "tollgate post-edit" }] };

  test("a missing file becomes the PostToolUse hook, two-space indented with a trailing newline", () => {
    const plan = mergeClaudeSettings(undefined, ".claude/settings.json");
    expect(plan).toEqual({
      kind: "create",
      content: `${JSON.stringify({ hooks: { PostToolUse: [entry] } }, null, 2)}\n`,
    });
  });

  test("merging keeps every other key and hook, and adds no duplicate", () => {
    const existing = {
      model: "opus",
      permissions: { allow: ["Bash(npm test)"] },
      hooks: {
        PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "audit" }] }],
        PostToolUse: [{ matcher: "Write", hooks: [{ type: "command", command: "prettier --write" }] }],
      },
    };
    const plan = mergeClaudeSettings(`${JSON.stringify(existing, null, 2)}\n`, "settings.json");
    if (plan.kind !== "add") throw new Error(`unexpected ${plan.kind}`);
    expect(JSON.parse(plan.content)).toEqual({
      ...existing,
      hooks: { ...existing.hooks, PostToolUse: [...existing.hooks.PostToolUse, entry] },
    });
    expect(plan.content.endsWith("}\n")).toBe(true);
    expect(plan.content).toContain('\n  "model": "opus"');
    expect(mergeClaudeSettings(plan.content, "settings.json")).toEqual({ kind: "none" });
  });

  test("a file indented with tabs stays indented with tabs", () => {
    const plan = mergeClaudeSettings('{\n\t"model": "opus"\n}\n', "settings.json");
    expect(plan.kind === "add" && plan.content.startsWith('{\n\t"model": "opus",\n\t"hooks"')).toBe(true);
  });

  test("invalid JSON or the wrong shape is a conflict naming the file", () => {
    const broken = mergeClaudeSettings('{"hooks": ', ".claude/settings.json");
    expect(broken.kind).toBe("conflict");
    expect(broken.kind === "conflict" && broken.detail).toContain(".claude/settings.json is not valid JSON");
    for (const text of ["[]", '{"hooks": []}', '{"hooks": {"PostToolUse": {}}}']) {
      const plan = mergeClaudeSettings(text, ".claude/settings.json");
      expect(plan.kind === "conflict" && plan.detail).toContain(".claude/settings.json must be a JSON object");
    }
  });
});

describe("AGENTS.md block", () => {
  test("is created, appended after the existing text, and left alone when current", () => {
    expect(upsertAgentsBlock(undefined)).toEqual({ kind: "create", content: `${agentsBlock()}\n` });
    const appended = upsertAgentsBlock("# Agents\n\nBe nice.");
    expect(appended).toEqual({ kind: "add", content: `# Agents\n\nBe nice.\n\n${agentsBlock()}\n` });
    if (appended.kind !== "add") throw new Error("unreachable");
    expect(upsertAgentsBlock(appended.content)).toEqual({ kind: "none" });
  });

  test("an edited block is replaced and everything outside the markers is kept", () => {
    const text = `before $& $1\n${AGENTS_BEGIN}\nold advice\n${AGENTS_END}\nafter\n`;
    expect(upsertAgentsBlock(text)).toEqual({ kind: "update", content: `before $& $1\n${agentsBlock()}\nafter\n` });
  });

  test("says what agents must do", () => {
    for (const line of ["tollgate check", "tollgate ci", "Never disable", ".tollgate/"]) {
      expect(agentsBlock()).toContain(line);
    }
  });

  test("broken markers are a conflict", () => {
    for (const text of [
      `${AGENTS_BEGIN}\nno end\n`,
      `${AGENTS_END}\n${AGENTS_BEGIN}\n`,
      `${AGENTS_BEGIN}${AGENTS_END}${AGENTS_BEGIN}`,
    ]) {
      expect(upsertAgentsBlock(text).kind).toBe("conflict");
    }
  });
});

describe(".gitignore", () => {
  test("gets a .tollgate/ line unless a line already ignores the folder", () => {
    expect(ensureGitignored(undefined)).toEqual({ kind: "create", content: ".tollgate/\n" });
    expect(ensureGitignored("node_modules")).toEqual({ kind: "add", content: "node_modules\n.tollgate/\n" });
    expect(ensureGitignored(".tollgate-old/\n# .tollgate\n")).toEqual({
      kind: "add",
      content: ".tollgate-old/\n# .tollgate\n.tollgate/\n",
    });
    for (const line of [".tollgate", "/.tollgate/", ".tollgate/*", "**/.tollgate/", "  .tollgate/  "]) {
      expect(ensureGitignored(`dist\n${line}\n`)).toEqual({ kind: "none" });
    }
  });
});

test("an unknown --ci value is a usage error listing the supported ones", async () => {
  expect(() => parseCi("gitlab")).toThrow('unknown --ci value "gitlab"; supported: github');
  const error = await userErrorOf(setup(gitRepo(), { ci: "gitlab" }));
  expect(error.code).toBe("UNKNOWN_CI");
});

describe("tollgate setup on a git repository", () => {
  test("creates every part, with an executable hook and 0644 project files, then changes nothing", async () => {
    const root = gitRepo();
    const first = await setup(root);
    expect(first.items.map(({ item, path, state }) => [item, path, state])).toEqual([
      ["hook", ".git/hooks/pre-commit", "created"],
      ["claude", ".claude/settings.json", "created"],
      ["agents", "AGENTS.md", "created"],
      ["gitignore", ".gitignore", "created"],
    ]);
    // At least these bits: a umask may take group write away, never add it.
    expect(statSync(join(root, ".git", "hooks", "pre-commit")).mode & 0o755).toBe(0o755);
    expect(read(join(root, ".git", "hooks", "pre-commit"))).toBe(hookScript());
    for (const file of [".claude/settings.json", "AGENTS.md", ".gitignore"]) {
      expect(statSync(join(root, file)).mode & 0o755).toBe(0o644);
    }
    const second = await setup(root);
    expect(second.items.map((item) => item.state)).toEqual(["unchanged", "unchanged", "unchanged", "unchanged"]);
    const check = await setup(root, { check: true });
    expect(check.exitCode).toBe(0);
    expect(check.items.map((item) => item.state)).toEqual(["ok", "ok", "ok", "ok"]);
  });

  test("chains to an existing hook: it still runs first, then tollgate pre-commit, whose failure blocks the commit", async () => {
    const root = gitRepo();
    const { hook, ran } = foreignHook(root);
    const original = read(hook);
    const report = await setup(root);
    expect(itemOf(report.items, "hook")).toEqual({
      item: "hook",
      path: ".git/hooks/pre-commit",
      state: "chained",
      detail: "chained to the existing hook, now pre-commit.local",
    });
    const local = join(root, ".git", "hooks", "pre-commit.local");
    expect(read(local)).toBe(original);
    expect(statSync(local).mode & 0o755).toBe(0o755);

    const passing = fakeTollgate(0);
    expect(commit(root, `${passing.bin}:${SYSTEM_PATH}`).code).toBe(0);
    expect(read(ran)).toBe("ran\n");
    expect(read(passing.log)).toBe("pre-commit\n");
    expect(commitCount(root)).toBe(1);

    const failing = fakeTollgate(1);
    expect(commit(root, `${failing.bin}:${SYSTEM_PATH}`).code).not.toBe(0);
    expect(read(ran)).toBe("ran\nran\n");
    expect(read(failing.log)).toBe("pre-commit\n");
    expect(commitCount(root)).toBe(1);

    expect((await setup(root)).items[0]?.state).toBe("unchanged");
  });

  test("a failing chained hook blocks the commit before tollgate runs", async () => {
    const root = gitRepo();
    foreignHook(root, 3);
    await setup(root);
    const fake = fakeTollgate(0);
    expect(commit(root, `${fake.bin}:${SYSTEM_PATH}`).code).not.toBe(0);
    expect(existsSync(fake.log)).toBe(false);
    expect(commitCount(root)).toBe(0);
  });

  test("the hook fails closed when tollgate is not on PATH", async () => {
    const root = gitRepo();
    await setup(root);
    const result = commit(root, SYSTEM_PATH);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("tollgate is not on PATH");
    expect(commitCount(root)).toBe(0);
  });

  test("a different pre-commit.local is a conflict, and nothing is written", async () => {
    const root = gitRepo();
    const { hook } = foreignHook(root);
    write(join(root, ".git", "hooks", "pre-commit.local"), "#!/bin/sh\necho other\n", 0o755);
    const before = read(hook);
    const error = await userErrorOf(setup(root));
    expect(error.code).toBe("SETUP_CONFLICT");
    expect(error.message).toContain(".git/hooks/pre-commit.local already exists and differs");
    expect(read(hook)).toBe(before);
    for (const file of ["AGENTS.md", ".claude", ".gitignore"]) expect(existsSync(join(root, file))).toBe(false);
  });

  test("--no-chain refuses a foreign hook; with --force it replaces it and keeps pre-commit.bak", async () => {
    const root = gitRepo();
    const { hook } = foreignHook(root);
    const original = read(hook);
    const error = await userErrorOf(setup(root, { chain: false }));
    expect(error.message).toContain(".git/hooks/pre-commit is not tollgate's hook");
    expect(read(hook)).toBe(original);

    const report = await setup(root, { chain: false, force: true });
    expect(itemOf(report.items, "hook").state).toBe("updated");
    expect(read(hook)).toBe(hookScript());
    expect(read(join(root, ".git", "hooks", "pre-commit.bak"))).toBe(original);
    expect(existsSync(join(root, ".git", "hooks", "pre-commit.local"))).toBe(false);
  });

  test("an older or non-executable tollgate hook is stale for --check and updated by setup", async () => {
    const root = gitRepo();
    const hook = join(root, ".git", "hooks", "pre-commit");
    write(hook, `#!/bin/sh\n${HOOK_MARKER.replace("v1", "v0")}\nexec tollgate gates\n`, 0o755);
    const check = await setup(root, { check: true, claude: false, agents: false });
    expect(check.exitCode).toBe(1);
    expect(itemOf(check.items, "hook").state).toBe("stale");
    expect(itemOf((await setup(root)).items, "hook").state).toBe("updated");
    expect(read(hook)).toBe(hookScript());

    chmodSync(hook, 0o644);
    const check2 = await setup(root, { check: true, claude: false, agents: false });
    expect(itemOf(check2.items, "hook")).toMatchObject({ state: "stale", detail: "not executable" });
    await setup(root);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
  });

  test("core.hooksPath is honoured", async () => {
    const root = gitRepo();
    expect(git(root, ["config", "core.hooksPath", ".githooks"]).code).toBe(0);
    const report = await setup(root);
    expect(itemOf(report.items, "hook")).toMatchObject({ path: ".githooks/pre-commit", state: "created" });
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
    const fake = fakeTollgate(1);
    expect(commit(root, `${fake.bin}:${SYSTEM_PATH}`).code).not.toBe(0);
    expect(read(fake.log)).toBe("pre-commit\n");
  });

  test("a linked worktree gets the hook in the shared hooks folder", async () => {
    const main = gitRepo();
    expect(commit(main, SYSTEM_PATH).code).toBe(0);
    const worktree = join(tempDir("tollgate-wt-"), "wt");
    expect(git(main, ["worktree", "add", "-q", worktree]).code).toBe(0);
    const report = await setup(worktree, { claude: false, agents: false });
    expect(itemOf(report.items, "hook").path).toBe(join(main, ".git", "hooks", "pre-commit"));
    expect(read(join(main, ".git", "hooks", "pre-commit"))).toBe(hookScript());
  });

  test("invalid .claude/settings.json is refused by name and left as it was, with nothing else written", async () => {
    const root = gitRepo();
    const settings = join(root, ".claude", "settings.json");
    write(settings, '{"model": "opus",}\n');
    const error = await userErrorOf(setup(root));
    expect(error.message).toContain(".claude/settings.json is not valid JSON");
    expect(read(settings)).toBe('{"model": "opus",}\n');
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
    expect(existsSync(join(root, "AGENTS.md"))).toBe(false);
    const check = await setup(root, { check: true });
    expect(itemOf(check.items, "claude").state).toBe("conflict");
    expect(check.exitCode).toBe(1);
  });

  test("--check reports drift: an edited AGENTS block, then a removed Claude hook", async () => {
    const root = gitRepo();
    write(join(root, "AGENTS.md"), "# Our agents\n");
    await setup(root);
    const agents = join(root, "AGENTS.md");
    write(agents, read(agents).replace("tollgate check", "tollgate check, or not"));
    const edited = await setup(root, { check: true });
    expect(edited.exitCode).toBe(1);
    expect(edited.items.filter((item) => item.state !== "ok")).toEqual([
      {
        item: "agents",
        path: "AGENTS.md",
        state: "stale",
        detail: "the tollgate block differs from what setup writes",
      },
    ]);
    expect(itemOf((await setup(root)).items, "agents").state).toBe("updated");
    expect(read(agents)).toBe(`# Our agents\n\n${agentsBlock()}\n`);

    const settings = join(root, ".claude", "settings.json");
    write(settings, '{\n  "model": "opus",\n  "hooks": {}\n}\n');
    const removed = await setup(root, { check: true });
    expect(removed.exitCode).toBe(1);
    expect(removed.items.filter((item) => item.state !== "ok").map((item) => [item.item, item.state])).toEqual([
      ["claude", "stale"],
    ]);
  });

  test("--check on a fresh repository reports everything missing and writes nothing", async () => {
    const root = gitRepo();
    const check = await setup(root, { check: true, ci: "github" });
    expect(check.exitCode).toBe(1);
    expect(check.items.map((item) => item.state)).toEqual(["missing", "missing", "missing", "missing", "missing"]);
    for (const file of [".git/hooks/pre-commit", ".claude", "AGENTS.md", ".github", ".gitignore"]) {
      expect(existsSync(join(root, file))).toBe(false);
    }
  });

  test("--no-hook, --no-claude and --no-agents leave those parts alone", async () => {
    const root = gitRepo();
    const report = await setup(root, { hook: false, claude: false, agents: false });
    expect(report.items.map((item) => item.item)).toEqual(["gitignore"]);
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);
  });
});

describe("tollgate setup outside a git repository", () => {
  test("skips the hook with a note and sets up the rest", async () => {
    const root = tempDir("tollgate-nogit-");
    const report = await setup(root);
    expect(itemOf(report.items, "hook")).toEqual({
      item: "hook",
      path: null,
      state: "skipped",
      detail: "not a git repository",
    });
    expect(existsSync(join(root, "AGENTS.md"))).toBe(true);
  });

  test("an explicit --hook is a usage error that says what to do", async () => {
    const error = await userErrorOf(setup(tempDir("tollgate-nogit-"), { hook: true }));
    expect(error.code).toBe("NOT_A_GIT_REPOSITORY");
    expect(error.message).toContain("run git init first, or pass --no-hook");
  });

  test("without git on PATH the hook is skipped, or is an environment error when asked for", async () => {
    const root = gitRepo();
    const env = { PATH: tempDir("tollgate-empty-path-") };
    const report = await runSetup({ root, env, claude: false, agents: false });
    expect(itemOf(report.items, "hook").detail).toBe("git is not on PATH");
    await expect(runSetup({ root, env, hook: true })).rejects.toMatchObject({ code: "GIT_NOT_FOUND", exitCode: 4 });
  });
});

describe("--ci=github", () => {
  test("writes a workflow that checks out full history, installs tollgate, runs ci and uploads SARIF", async () => {
    const root = gitRepo();
    const report = await setup(root, { ci: "github" });
    expect(itemOf(report.items, "ci")).toMatchObject({ path: ".github/workflows/tollgate.yml", state: "created" });
    const workflow = read(join(root, ".github", "workflows", "tollgate.yml"));
    for (const line of [
      "  push:",
      "  pull_request:",
      "uses: actions/checkout@v4",
      "fetch-depth: 0",
      "curl -fsSL https://github.com/tollgate-dev/tollgate/releases/latest/download/install.sh | sh",
      "run: tollgate ci --sarif tollgate.sarif --junit tollgate-junit.xml",
      "if: always()",
      "uses: github/codeql-action/upload-sarif@v3",
      "sarif_file: tollgate.sarif",
    ]) {
      expect(workflow).toContain(line);
    }
    expect(itemOf((await setup(root, { ci: "github" })).items, "ci").state).toBe("unchanged");
  });

  test("is already present when another workflow runs tollgate", async () => {
    const root = gitRepo();
    write(join(root, ".github", "workflows", "checks.yaml"), "jobs:\n  x:\n    steps:\n      - run: tollgate ci\n");
    const report = await setup(root, { ci: "github" });
    expect(itemOf(report.items, "ci")).toEqual({
      item: "ci",
      path: ".github/workflows/checks.yaml",
      state: "unchanged",
      detail: "a workflow here already runs tollgate",
    });
    expect(existsSync(join(root, ".github", "workflows", "tollgate.yml"))).toBe(false);
  });

  test("refuses to replace a tollgate.yml that does not run tollgate, unless --force", async () => {
    const root = gitRepo();
    const path = join(root, ".github", "workflows", "tollgate.yml");
    write(path, "name: something else\n");
    const error = await userErrorOf(setup(root, { ci: "github" }));
    expect(error.message).toContain("pass --force to replace it");
    expect(read(path)).toBe("name: something else\n");
    expect(itemOf((await setup(root, { ci: "github", force: true })).items, "ci").state).toBe("updated");
    expect(read(path)).toContain("tollgate ci");
  });
});

/** Runs the citty command in a child process (it prints straight to fd 1 and 2), as the CLI would. */
function runSetupCommand(cwd: string, args: string[]) {
  const script = `
    import { runCommand } from "citty";
    import { isTollgateError } from "./src/core/index.ts";
    import { setupCommand } from "./src/gates/setup-command.ts";
    const { cwd, args } = JSON.parse(process.env.SETUP_TEST_ARGS);
    process.chdir(cwd);
    try {
      const { result } = await runCommand(setupCommand, { rawArgs: args });
      process.exit(result);
    } catch (error) {
      if (!isTollgateError(error)) throw error;
      process.stderr.write("tollgate: " + error.message + "\\n");
      process.exit(error.exitCode);
    }`;
  const home = tempDir("tollgate-home-");
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: PROJECT_ROOT,
    env: { ...gitEnv(home), SETUP_TEST_ARGS: JSON.stringify({ cwd, args }), NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the setup command", () => {
  test("prints one line per item on stderr, or one JSON document with --json; --check exits 1 on drift", () => {
    const root = gitRepo();
    foreignHook(root);
    const human = runSetupCommand(root, ["--no-claude", "--ci=github"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe("");
    expect(human.stderr.split("\n")).toEqual([
      "chained  .git/hooks/pre-commit (chained to the existing hook, now pre-commit.local)",
      "created  AGENTS.md (with the tollgate block)",
      "created  .github/workflows/tollgate.yml (runs tollgate ci on push and pull_request, uploads SARIF)",
      "created  .gitignore (with the .tollgate/ line)",
      "",
    ]);

    const json = runSetupCommand(root, ["--json"]);
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.root).toBe(root);
    expect(document.items.map((item: SetupItem) => [item.item, item.state])).toEqual([
      ["hook", "unchanged"],
      ["claude", "created"],
      ["agents", "unchanged"],
      ["gitignore", "unchanged"],
    ]);

    write(join(root, "AGENTS.md"), "edited by hand\n");
    const check = runSetupCommand(root, ["--check"]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("missing  AGENTS.md (lacks the tollgate block)");
    expect(read(join(root, "AGENTS.md"))).toBe("edited by hand\n");
  });

  test("a bad --ci value exits 2 and names the supported values", () => {
    const result = runSetupCommand(gitRepo(), ["--ci=gitlab"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown --ci value "gitlab"; supported: github');
  });
});
