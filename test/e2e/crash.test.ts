/**
 * The crash boundary end to end: from source and as the compiled executable,
 * through the real CLI, with canaries planted everywhere a leak could start,
 * and on a pseudo-terminal driven by `script` for the prompt.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseReport, REPORT_KEYS } from "../../src/crash/payload.ts";
import { BINARY, ensureBinary, PROJECT_ROOT, type RunOptions, runTollgate, SOURCE_MAIN, tempDir } from "../helpers.ts";

const SECRET = "sk-canary0123456789abcdefXYZ";
const GITHUB_TOKEN = "ghp_canary0123456789abcdefABCDEF0123";
const CANARY = /canary/i;
const SAVED_LINE =
  /^tollgate: internal error \(InjectedCrashError: crash injected by TOLLGATE_TEST_CRASH\); crash report saved to (\/\S+\.json); to file it: tollgate crash report ([0-9a-f]{16})$/;

/** A fake browser launcher first on PATH: records its arguments, opens nothing. */
function fakeBrowser(dir: string): { bin: string; record: string } {
  const bin = join(dir, "fake-bin");
  mkdirSync(bin);
  const record = join(dir, "xdg-open.txt");
  writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\n`);
  chmodSync(join(bin, "xdg-open"), 0o755);
  return { bin, record };
}

/** A throwaway machine: canaries in the home path, the project path, the cwd and the environment. */
function canaryWorld() {
  const base = tempDir("tollgate-e2e-crash-");
  const home = join(base, "canary-home-XYZ");
  const project = join(base, "canary-project-XYZ");
  const cwd = join(project, "canary-cwd-XYZ");
  mkdirSync(home);
  mkdirSync(join(project, ".git"), { recursive: true });
  mkdirSync(cwd);
  const browser = fakeBrowser(base);
  const env: Record<string, string> = {
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    XDG_CONFIG_HOME: join(home, ".config"),
    PATH: `${browser.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
    NO_COLOR: "1",
    TOLLGATE_CANARY: SECRET,
    GITHUB_TOKEN,
  };
  return { base, home, cwd, env, browser, crashes: join(home, ".cache", "tollgate", "crashes") };
}

type World = ReturnType<typeof canaryWorld>;

/** Nothing machine- or user-specific: no canary, no temp path, no hostname. */
function expectClean(text: string, world: World): void {
  expect(text).not.toMatch(CANARY);
  expect(text).not.toContain(world.base);
  expect(text).not.toContain(hostname());
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(GITHUB_TOKEN);
}

/** The leaf commands of the real command tree, read from `--help` (COMMANDS sections). */
function leafCommands(path: string[] = []): string[][] {
  const help = runTollgate([...path, "--help"]).stdout;
  const section = /\nCOMMANDS\n\n([\s\S]*?)\n\n/.exec(help)?.[1] ?? "";
  const names = section
    .split("\n")
    .map((line) => /^\s*([a-z][\w-]*)\s{2,}/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
  return names.length === 0 ? [path] : names.flatMap((name) => leafCommands([...path, name]));
}

const LEAVES = leafCommands();

test("the command tree is read from --help: doctor and every crash subcommand", () => {
  const paths = LEAVES.map((leaf) => leaf.join(" "));
  for (const expected of ["doctor", "crash list", "crash show", "crash report", "crash rm", "crash consent"]) {
    expect(paths).toContain(expected);
  }
});

/** Injects a crash in `leaf` with a canary argument value; returns what the boundary left behind. */
function injectCrash(world: World, leaf: string[], options: RunOptions = {}) {
  const result = runTollgate([...leaf, "canary-arg-XYZ"], {
    ...options,
    cwd: world.cwd,
    env: { ...world.env, TOLLGATE_TEST_CRASH: leaf.join(" ") },
  });
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  const match = SAVED_LINE.exec(lines[0] ?? "");
  return { result, lines, file: match?.[1] ?? "", fingerprint: match?.[2] ?? "" };
}

describe.each([
  ["from source", false],
  ["compiled", true],
] as const)("crash boundary %s", (_name, compiled) => {
  beforeAll(() => {
    if (compiled) ensureBinary();
  });

  test.each(LEAVES.map((leaf) => [leaf.join(" "), leaf] as const))(
    "TOLLGATE_TEST_CRASH=%s: exit 70, one line, a private allowlisted report with no canary, no prompt",
    (_path, leaf) => {
      const world = canaryWorld();
      const crash = injectCrash(world, leaf, { compiled });
      expect(crash.result.code).toBe(70);
      expect(crash.lines).toHaveLength(1);
      expect(crash.result.stderr).not.toContain("[y/N]");
      expect(crash.file).toBe(join(world.crashes, `${crash.fingerprint}.json`));
      expect(statSync(crash.file).mode & 0o777).toBe(0o600);
      expect(statSync(world.crashes).mode & 0o777).toBe(0o700);
      expect(readdirSync(world.crashes)).toEqual([`${crash.fingerprint}.json`]);

      const stored = readFileSync(crash.file, "utf8");
      const report = parseReport(stored);
      expect(Object.keys(JSON.parse(stored))).toEqual([...REPORT_KEYS]);
      expect(report?.command).toBe(leaf.join(" "));
      expect(report?.exception).toBe("InjectedCrashError");
      expect(report?.fingerprint).toBe(crash.fingerprint);
      expect(report?.frames[0]).toMatch(/^src\/cli\.ts:\d+:injectCrash$/);
      expect(report?.ci).toBe(false);
      expectClean(stored, world);
    },
  );

  test("the same bug has the same fingerprint from any command; counted, first-seen kept", () => {
    const world = canaryWorld();
    const first = injectCrash(world, ["doctor"], { compiled });
    const second = injectCrash(world, ["crash", "list"], { compiled });
    expect(second.fingerprint).toBe(first.fingerprint);
    const report = parseReport(readFileSync(second.file, "utf8"));
    expect(report?.count).toBe(2);
    expect(report?.command).toBe("crash list");
  });

  test("crash report without a terminal prints the URL on stdout and opens no browser", async () => {
    const world = canaryWorld();
    const crash = injectCrash(world, ["crash", "list"], { compiled });
    const filed = runTollgate(["crash", "report", crash.fingerprint], { compiled, cwd: world.cwd, env: world.env });
    expect(filed.code).toBe(0);
    const url = filed.stdout.trim();
    expect(filed.stdout).toBe(`${url}\n`);
    expect(url).toStartWith("https://github.com/tollgate-dev/tollgate/issues/new?title=");
    expect(url.length).toBeLessThan(8000);
    const body = new URL(url).searchParams.get("body") ?? "";
    expect(body).toContain(readFileSync(crash.file, "utf8").trimEnd());
    expectClean(decodeURIComponent(url), world);
    expect(filed.stderr).toContain("no browser was opened");
    await Bun.sleep(300);
    expect(existsSync(world.browser.record)).toBe(false);
  });

  test("a usage error never reaches the boundary: exit 2, nothing stored", () => {
    const world = canaryWorld();
    const usage = runTollgate(["crash", "show"], { compiled, env: world.env });
    expect(usage.code).toBe(2);
    expect(existsSync(world.crashes)).toBe(false);
  });
});

describe("crash commands", () => {
  function withReport() {
    const world = canaryWorld();
    const crash = injectCrash(world, ["doctor"]);
    const run = (args: string[], extra: Record<string, string> = {}) =>
      runTollgate(args, { cwd: world.cwd, env: { ...world.env, ...extra } });
    return { world, crash, run };
  }

  test("list: human lines on stderr, --json on stdout", () => {
    const { world, crash, run } = withReport();
    const human = run(["crash", "list"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe("");
    expect(human.stderr).toContain(`${crash.fingerprint}  `);
    expect(human.stderr).toContain('InjectedCrashError in "tollgate doctor"');
    const json = JSON.parse(run(["crash", "list", "--json"]).stdout);
    expect(json.dir).toBe(world.crashes);
    expect(json.reports).toHaveLength(1);
    expect(json.reports[0].fingerprint).toBe(crash.fingerprint);
    expect(json.reports[0].file).toBe(crash.file);
  });

  test("list with nothing saved", () => {
    const world = canaryWorld();
    const result = runTollgate(["crash", "list", "--json"], { env: world.env });
    expect(JSON.parse(result.stdout)).toEqual({ dir: world.crashes, reports: [] });
  });

  test("show prints the exact stored bytes; --json wraps the report", () => {
    const { crash, run } = withReport();
    const shown = run(["crash", "show", crash.fingerprint]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(readFileSync(crash.file, "utf8"));
    const json = JSON.parse(run(["crash", "show", crash.fingerprint, "--json"]).stdout);
    expect(json).toEqual({ file: crash.file, report: JSON.parse(shown.stdout) });
  });

  test.each([
    ["show", "not-a-fingerprint"],
    ["show", "0123456789ABCDEF"],
    ["show", "0123456789abcde"],
    ["report", "../../etc/passwd"],
    ["rm", "0123456789abcdeg"],
  ])("%s %s: exit 2, says how to list reports", (command, id) => {
    const { run } = withReport();
    const result = run(["crash", command, id]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("16 hex digits");
    expect(result.stderr).toContain("tollgate crash list");
  });

  test.each(["show", "report", "rm"])("%s of an unknown report: exit 2, says how to list reports", (command) => {
    const { run } = withReport();
    const result = run(["crash", command, "0123456789abcdef"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'tollgate: no crash report 0123456789abcdef; run "tollgate crash list" to see the saved reports\n',
    );
  });

  test("report of a damaged file: exit 2, says how to remove it", () => {
    const { crash, run } = withReport();
    writeFileSync(crash.file, '{"schema": 1, "message": "edited"}\n');
    const result = run(["crash", "report", crash.fingerprint]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`tollgate crash rm ${crash.fingerprint}`);
    expect(result.stdout).toBe("");
  });

  test("rm one, rm --all, and the argument rules", () => {
    const { world, crash, run } = withReport();
    expect(run(["crash", "rm"]).code).toBe(2);
    expect(run(["crash", "rm", crash.fingerprint, "--all"]).code).toBe(2);
    expect(existsSync(crash.file)).toBe(true);
    const one = run(["crash", "rm", crash.fingerprint]);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe(`Removed crash report ${crash.fingerprint}.\n`);
    expect(readdirSync(world.crashes)).toEqual([]);
    injectCrash(world, ["doctor"]);
    writeFileSync(join(world.crashes, "fedcba9876543210.json"), "damaged");
    const all = run(["crash", "rm", "--all"]);
    expect(all.code).toBe(0);
    expect(all.stderr).toBe("Removed 2 crash reports.\n");
    expect(readdirSync(world.crashes)).toEqual([]);
  });

  test("consent: prints the setting, sets never/ask, refuses anything else", () => {
    const world = canaryWorld();
    const run = (args: string[], extra: Record<string, string> = {}) =>
      runTollgate(args, { env: { ...world.env, ...extra } });
    const file = join(world.home, ".config", "tollgate", "crash-consent.json");
    expect(JSON.parse(run(["crash", "consent", "--json"]).stdout)).toEqual({
      setting: "ask",
      file,
      prompt: { possible: false, reason: "no-tty" },
    });
    expect(run(["crash", "consent", "never"]).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(run(["crash", "consent"]).stderr).toContain("Crash report prompts: never");
    expect(JSON.parse(run(["crash", "consent", "--json"], { CI: "true" }).stdout).prompt.reason).toBe("never");
    expect(run(["crash", "consent", "ask"]).code).toBe(0);
    expect(JSON.parse(run(["crash", "consent", "--json"], { DO_NOT_TRACK: "1" }).stdout).prompt.reason).toBe(
      "do-not-track",
    );
    const bad = run(["crash", "consent", "always"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"ask" or "never"');
  });

  test("doctor has a crash reports section", () => {
    const { run } = withReport();
    const doctor = JSON.parse(run(["doctor", "--json"], { CI: "true" }).stdout) as {
      checks: { section: string; name: string; detail: string }[];
    };
    const section = doctor.checks.filter((check) => check.section === "crash reports");
    expect(section.map((check) => check.name)).toEqual(["stored in", "saved", "consent", "prompt"]);
    expect(section.find((check) => check.name === "saved")?.detail).toStartWith("1 report");
    expect(section.find((check) => check.name === "prompt")?.detail).toBe("off: running under CI");
  });
});

test("under Deno (file:// frames) the crash is classified as ours and saved the same way", () => {
  const world = canaryWorld();
  const deno = join(PROJECT_ROOT, "node_modules", ".bin", "deno");
  const result = spawnSync(deno, ["run", "-A", SOURCE_MAIN, "crash", "list", "canary-arg-XYZ"], {
    cwd: world.cwd,
    env: { ...world.env, TOLLGATE_TEST_CRASH: "crash list" },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(result.status).toBe(70);
  const file = SAVED_LINE.exec(result.stderr.trimEnd())?.[1] ?? "";
  expect(statSync(file).mode & 0o777).toBe(0o600);
  const stored = readFileSync(file, "utf8");
  const report = parseReport(stored);
  expect(report?.runtime).toBe("deno");
  expect(report?.command).toBe("crash list");
  expect(report?.frames[0]).toMatch(/^src\/cli\.ts:\d+:injectCrash$/);
  expectClean(stored, world);
});

/** Runs tollgate on a pseudo-terminal (util-linux `script`), typing `keys` once the prompt shows. */
function runOnTerminal(
  argv: string[],
  env: Record<string, string>,
  keys: string | undefined,
): Promise<{ code: number | null; output: string }> {
  const quoted = argv.map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(" ");
  const child = spawn("/usr/bin/script", ["-qfec", quoted, "/dev/null"], {
    env: { ...env, TERM: "xterm", SHELL: "/bin/sh" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let typed = false;
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
    if (keys !== undefined && !typed && output.includes("[y/N]")) {
      typed = true;
      child.stdin.write(keys);
    }
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  return new Promise((resolve) => {
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replace(/\r\n/g, "\n") });
    });
  });
}

describe.each([
  ["from source", false],
  ["compiled", true],
] as const)("the prompt on a terminal, %s", (_name, compiled) => {
  beforeAll(() => {
    if (compiled) ensureBinary();
  });

  function crashOnTerminal(world: World, keys: string | undefined, extra: Record<string, string> = {}) {
    const argv = compiled ? [BINARY, "crash", "list"] : [process.execPath, SOURCE_MAIN, "crash", "list"];
    return runOnTerminal(argv, { ...world.env, TOLLGATE_TEST_CRASH: "crash list", ...extra }, keys);
  }

  function storedFile(world: World): string {
    const names = readdirSync(world.crashes);
    expect(names).toHaveLength(1);
    return join(world.crashes, names[0] as string);
  }

  function answers(world: World): Record<string, { answer: string }> {
    const file = join(world.home, ".config", "tollgate", "crash-consent.json");
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")).answers : {};
  }

  test.each([
    ["n", "n\r"],
    ["empty", "\r"],
  ])("answer %s: shows the exact bytes, files nothing, is not asked again", async (_answer, keys) => {
    const world = canaryWorld();
    const first = await crashOnTerminal(world, keys);
    expect(first.code).toBe(70);
    const file = storedFile(world);
    const stored = readFileSync(file, "utf8");
    expect(first.output).toContain(stored.trimEnd());
    expect(first.output).toContain("[y/N]");
    expect(first.output).toContain("Not filed.");
    const fingerprint = parseReport(stored)?.fingerprint as string;
    expect(answers(world)[fingerprint]?.answer).toBe("no");
    expect(existsSync(world.browser.record)).toBe(false);

    const again = await crashOnTerminal(world, undefined);
    expect(again.code).toBe(70);
    expect(again.output).not.toContain("[y/N]");
    expect(again.output).toContain(`to file it: tollgate crash report ${fingerprint}`);
  });

  test("answer y: prints the URL and hands exactly that URL to xdg-open", async () => {
    const world = canaryWorld();
    const result = await crashOnTerminal(world, "y\r");
    expect(result.code).toBe(70);
    const url = /https:\/\/github\.com\/tollgate-dev\/tollgate\/issues\/new\?\S+/.exec(result.output)?.[0] ?? "";
    expect(url).not.toBe("");
    for (let waited = 0; waited < 5000 && !existsSync(world.browser.record); waited += 50) await Bun.sleep(50);
    expect(readFileSync(world.browser.record, "utf8")).toBe(`${url}\n`);
    expectClean(decodeURIComponent(url), world);
    const fingerprint = parseReport(readFileSync(storedFile(world), "utf8"))?.fingerprint as string;
    expect(answers(world)[fingerprint]?.answer).toBe("yes");
  });

  test("Ctrl-C at the prompt: exit 130, the report intact, no temp file, no answer", async () => {
    const world = canaryWorld();
    const result = await crashOnTerminal(world, "\u0003");
    expect(result.code).toBe(130);
    expect(readdirSync(world.crashes)).toHaveLength(1);
    expect(parseReport(readFileSync(storedFile(world), "utf8"))).toBeDefined();
    expect(answers(world)).toEqual({});
    expect(existsSync(world.browser.record)).toBe(false);
  });

  test.each([
    ["DO_NOT_TRACK=1", { DO_NOT_TRACK: "1" }],
    ["CI=true", { CI: "true" }],
  ])("%s on a terminal: saved, one line, no prompt", async (_name, extra) => {
    const world = canaryWorld();
    const result = await crashOnTerminal(world, "y\r", extra);
    expect(result.code).toBe(70);
    expect(result.output).not.toContain("[y/N]");
    expect(result.output.trim().split("\n")).toHaveLength(1);
    storedFile(world);
  });

  test("crash report on a terminal: shows the bytes, y opens the browser", async () => {
    const world = canaryWorld();
    const crash = injectCrash(world, ["doctor"], { compiled });
    const argv = compiled
      ? [BINARY, "crash", "report", crash.fingerprint]
      : [process.execPath, SOURCE_MAIN, "crash", "report", crash.fingerprint];
    const result = await runOnTerminal(argv, world.env, "y\r");
    expect(result.code).toBe(0);
    expect(result.output).toContain(readFileSync(crash.file, "utf8").trimEnd());
    for (let waited = 0; waited < 5000 && !existsSync(world.browser.record); waited += 50) await Bun.sleep(50);
    expect(readFileSync(world.browser.record, "utf8")).toStartWith(
      "https://github.com/tollgate-dev/tollgate/issues/new?",
    );
  });
});
