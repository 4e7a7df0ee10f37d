/**
 * The stages on the fixture projects, through the compiled binary, with the
 * real tools of this machine (EXPECTED.md lists what each one finds) and
 * replaying fakes for the Python tools PyPI would have provided.
 */
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseJUnit } from "../../src/gates/parse-junit.ts";
import { runTollgate, sourceFiles, tempDir } from "../helpers.ts";
import { fakeTools, prints } from "./fake-tools.ts";
import { fixture, gates, PROJECTS, runGatesRaw, sh, validateSarif, verdicts } from "./stage-helpers.ts";

// Each test runs real tools through the binary a few times.
setDefaultTimeout(120_000);

const LIZARD_HEADER = "NLOC,CCN,token,PARAM,length,location,file,function,long_name,start,end";
/** lizard --csv for python-pkg's codes.describe: the if/elif chain of CCN 16 (EXPECTED.md). */
const PYTHON_LIZARD = [
  LIZARD_HEADER,
  '34,16,120,1,34,"describe@4-37@./src/pypkg/codes.py","./src/pypkg/codes.py","describe","describe( status )",4,37',
];
/** lizard --csv for ts-clean's one function. */
const CLEAN_LIZARD = [
  LIZARD_HEADER,
  '9,2,40,1,10,"slugify@2-11@src/slug.ts","src/slug.ts","slugify","slugify( text : string )",2,11',
];

const snapshot = (dir: string) =>
  Object.fromEntries(
    sourceFiles(dir)
      .filter((file) => !file.includes("/.venv/") && !file.includes("/.git/") && !file.includes("/.tollgate/"))
      .map((file) => [file, readFileSync(file, "utf8")]),
  );

describe("ts-pkg: tsc, biome, bun test, knip and dependency-cruiser find the deliberate failures", () => {
  test("ci: a verdict per gate read from the tools' output, nothing in the project modified, every report written", () => {
    const dir = fixture("ts-pkg", { git: true });
    const before = snapshot(dir);
    const summary = join(dir, "..", "step-summary.md");
    const run = gates(["ci", "--sarif", "../out.sarif", "--junit", "../out.xml"], dir, {
      fakes: fakeTools([]),
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(run.code).toBe(1);
    expect(verdicts(run)).toEqual({
      format: "fail",
      lint: "fail",
      typecheck: "fail",
      test: "fail",
      coverage: "pass",
      complexity: "missing",
      crap: "missing",
      deps: "fail",
      arch: "fail",
    });
    expect(run.gate("format").findings).toEqual([expect.objectContaining({ file: "src/index.ts", tool: "biome" })]);
    expect(run.gate("lint").findings).toEqual([
      expect.objectContaining({ file: "src/even.ts", line: 6, rule: "lint/suspicious/noDoubleEquals" }),
    ]);
    expect(run.gate("typecheck").findings).toEqual([
      expect.objectContaining({ file: "src/options.ts", line: 7, rule: "TS2375" }),
    ]);
    expect(run.gate("test").summary).toBe("6 passed, 1 failed");
    expect(run.gate("coverage").measurement).toEqual({
      value: 88.5,
      unit: "% lines covered",
      threshold: 80,
      comparison: ">=",
    });
    expect(run.gate("deps").findings).toEqual([
      expect.objectContaining({ file: "src/math.ts", line: 20, message: "Unused export: square" }),
    ]);
    expect(run.gate("arch").findings).toEqual([expect.objectContaining({ file: "src/even.ts", rule: "no-circular" })]);
    expect(run.gate("complexity").install).toBe("pip install lizard");
    expect(run.gate("typecheck").toolVersion).toBe("6.0.2");
    expect(snapshot(dir)).toEqual(before);

    const sarif = JSON.parse(readFileSync(join(dir, "../out.sarif"), "utf8"));
    expect(validateSarif(sarif)).toEqual([]);
    const ruleIds = sarif.runs.flatMap((item: { results: { ruleId?: string }[] }) => item.results.map((r) => r.ruleId));
    expect(ruleIds).toEqual(expect.arrayContaining(["lint/suspicious/noDoubleEquals", "TS2375", "no-circular"]));
    const junit = parseJUnit(readFileSync(join(dir, "../out.xml"), "utf8"), { root: dir, tool: "tollgate" });
    expect(junit.tests).toBe(9);
    expect(junit.failed).toBe(6);
    expect(readFileSync(summary, "utf8")).toContain("| lint |");
    const evidence = JSON.parse(readFileSync(join(dir, ".tollgate/evidence.json"), "utf8"));
    expect(evidence.treeHash).toBe(sh(dir, "git", "rev-parse", "HEAD^{tree}").trim());
    expect(evidence.gates.map((gate: { id: string }) => gate.id)).toHaveLength(9);
  });

  test("ci again: unchanged gates come from the cache with the same verdicts; an edit or --no-cache runs them", () => {
    const dir = fixture("ts-pkg");
    const fakes = fakeTools([]);
    const first = gates(["ci"], dir, { fakes });
    const second = gates(["ci"], dir, { fakes });
    expect(verdicts(second)).toEqual(verdicts(first));
    const ran = second.report.gates.filter((gate) => gate.verdict !== "missing");
    expect(ran.every((gate) => gate.cached)).toBe(true);
    expect(gates(["ci", "--no-cache"], dir, { fakes }).report.gates.some((gate) => gate.cached)).toBe(false);
    writeFileSync(
      join(dir, "src/even.ts"),
      readFileSync(join(dir, "src/even.ts"), "utf8").replace("n == 0", "n === 0"),
    );
    const edited = gates(["ci"], dir, { fakes });
    expect(edited.gate("lint").verdict).toBe("pass");
    expect(edited.gate("lint").cached).toBe(false);
  });

  test("check fixes and formats, then gates; deps is advisory there", () => {
    const dir = fixture("ts-pkg");
    const run = gates(["check"], dir, { fakes: fakeTools([]) });
    expect(run.code).toBe(1);
    expect(verdicts(run)).toMatchObject({ fix: "pass", format: "pass", typecheck: "fail", test: "fail", deps: "warn" });
    expect(run.gate("deps").blocking).toBe(false);
    // biome's formatter rewrote the file ci reported as unformatted.
    expect(gates(["gate", "format"], dir, { fakes: fakeTools([]) }).code).toBe(0);
  });

  test("pre-commit fixes staged files; a fixed file is re-staged only when it had no unstaged changes", () => {
    const dir = fixture("ts-pkg", { git: true });
    const messy = "export const a   =  1;\n";
    writeFileSync(join(dir, "src/whole.ts"), messy);
    writeFileSync(join(dir, "src/partly.ts"), messy);
    sh(dir, "git", "add", "src/whole.ts", "src/partly.ts");
    writeFileSync(join(dir, "src/partly.ts"), `${messy}export const b   =  2;\n`);
    const run = gates(["pre-commit"], dir, { fakes: fakeTools([]) });
    expect(verdicts(run)).toEqual({ fix: "pass", format: "pass", lint: "pass" });
    expect(run.code).toBe(0);
    expect(sh(dir, "git", "show", ":src/whole.ts")).toBe("export const a = 1;\n");
    expect(sh(dir, "git", "show", ":src/partly.ts")).toBe(messy);
    expect(run.report.notes).toEqual([
      expect.stringContaining("src/partly.ts: fixed by the fixers but not re-staged"),
      "re-staged after fixing: src/whole.ts",
    ]);
  });

  test("nightly adds mutation testing (stryker, real) and the audit, whose failure to reach a registry is an error", () => {
    const dir = fixture("ts-pkg");
    const run = gates(["nightly"], dir, { fakes: fakeTools([]) });
    expect(run.code).toBe(1);
    expect(run.gate("mutation").verdict).toBe("pass");
    expect(run.gate("mutation").measurement).toMatchObject({ value: 64.7, threshold: 60 });
    expect(run.gate("mutation").summary).toContain("11 killed, 6 survivors");
    expect(run.gate("audit").verdict).toBe("error");
  }, 120_000);

  test("post-edit fixes and formats only what changed, and exits 0 whatever it found", () => {
    const dir = fixture("ts-pkg", { git: true });
    const committed = readFileSync(join(dir, "src/index.ts"), "utf8");
    writeFileSync(join(dir, "src/new.ts"), "export const x   =  1 == 1;\n");
    const run = gates(["post-edit"], dir, { fakes: fakeTools([]) });
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, "src/new.ts"), "utf8")).toBe("export const x = 1 == 1;\n");
    // The committed, unformatted file is not this edit's business.
    expect(readFileSync(join(dir, "src/index.ts"), "utf8")).toBe(committed);
  });
});

describe("python-pkg: Debian's pytest and coverage.py in a venv, basedpyright, and replayed ruff, lizard and deptry", () => {
  test("ci: verdicts, the numbers of EXPECTED.md, CRAP of the uncovered complex function, and the command lines", () => {
    const dir = fixture("python-pkg", { venv: true });
    const fakes = fakeTools(["ruff", "lizard", "deptry"], {
      lizard: [{ pattern: "--csv*", body: prints(PYTHON_LIZARD) }],
    });
    const run = gates(["ci"], dir, { fakes });
    expect(run.code).toBe(1);
    expect(verdicts(run)).toEqual({
      format: "fail",
      lint: "fail",
      typecheck: "fail",
      test: "fail",
      coverage: "fail",
      complexity: "fail",
      crap: "fail",
      deps: "fail",
      arch: "skip",
    });
    expect(run.gate("test").summary).toBe("4 passed, 1 failed");
    expect(run.gate("coverage").summary).toBe("31.1% lines (>= 80), 6.3% branches (>= 70)");
    expect(run.gate("typecheck").findings).toEqual([
      expect.objectContaining({ file: "src/pypkg/calc.py", line: 20, rule: "reportReturnType" }),
    ]);
    expect(run.gate("complexity").measurement).toMatchObject({ value: 16, threshold: 15 });
    expect(run.gate("crap").measurement).toMatchObject({ value: 248.7, threshold: 30 });
    expect(run.gate("crap").findings[0]?.message).toContain("describe: CRAP 248.7 (CCN 16, line coverage 3.1%)");
    expect(run.gate("lint").findings.length).toBeGreaterThan(0);
    // The venv's python runs Debian's pytest (7.2.1) whatever pytest is first on PATH.
    expect(run.gate("test").toolVersion).toBe("7.2.1");
    const calls = fakes.calls();
    // The project's folders, never ".": the tools must not walk into .tollgate/ or .venv/.
    expect(calls).toContain("ruff check --output-format=json --no-fix --no-cache src tests");
    expect(calls).toContain("ruff format --check --no-cache src tests");
    expect(calls.find((call) => call.startsWith("lizard --csv"))).toEndWith(" src");
    expect(calls.find((call) => call.startsWith("deptry ."))).toMatch(/^deptry \. --json-output \/.+\/deptry\.json$/);
  });

  test("without the tools, the gates are missing with the command that installs them: ci fails, check warns", () => {
    const dir = fixture("python-pkg", { venv: true });
    const run = gates(["ci", "--only=lint,deps"], dir, { fakes: fakeTools([]) });
    expect(run.code).toBe(1);
    expect(run.gate("lint")).toMatchObject({ verdict: "missing", install: ".venv/bin/pip install ruff" });
    const check = gates(["check", "--only=lint"], dir, { fakes: fakeTools([]) });
    expect(check.gate("lint").verdict).toBe("missing");
    expect(check.code).toBe(0);
  });
});

describe("polyglot: both toolchains in one run and one report", () => {
  test("ci names each gate's toolchain; the Python type error and the failing node test are found", () => {
    const dir = fixture("polyglot", { venv: true });
    const run = gates(["ci", "--only=typecheck,test,coverage"], dir, { fakes: fakeTools([]) });
    expect(run.code).toBe(1);
    expect(verdicts(run)).toEqual({
      "typecheck (python)": "fail",
      "test (python)": "pass",
      "coverage (python)": "pass",
      "typecheck (js)": "pass",
      "test (js)": "fail",
      "coverage (js)": "pass",
    });
    expect(run.gate("test (js)").summary).toBe("2 passed, 1 failed");
  });
});

describe("ts-clean: every gate passes", () => {
  test("ci passes with exit 0; a missing advisory tool warns in check without failing it", () => {
    const dir = fixture("ts-clean");
    const fakes = fakeTools(["lizard"], { lizard: [{ pattern: "--csv*", body: prints(CLEAN_LIZARD) }] });
    const run = gates(["ci"], dir, { fakes });
    expect(run.report.gates.filter((gate) => gate.verdict !== "pass")).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.gate("crap").measurement).toMatchObject({ value: 2 });
    expect(gates(["ci"], dir, { fakes: fakeTools([]) }).code).toBe(1);
    const check = gates(["check"], dir, { fakes: fakeTools([]) });
    expect(check.gate("crap").verdict).toBe("missing");
    expect(check.code).toBe(0);
  });
});

describe("--changed: file-level gates see only what changed since the base", () => {
  test("a changed file is linted, an unchanged one is not; typecheck still checks the whole project", () => {
    const dir = fixture("ts-clean", { git: true });
    sh(dir, "git", "checkout", "-q", "-b", "feature");
    writeFileSync(join(dir, "src/extra.ts"), "export const same = (a: number) => a == 1;\n");
    const run = gates(["ci", "--changed=main", "--only=lint,typecheck"], dir, { fakes: fakeTools([]) });
    expect(run.report.changedSince).toMatchObject({ ref: "main", files: 1 });
    expect(run.gate("lint").findings).toEqual([expect.objectContaining({ file: "src/extra.ts" })]);
    expect(run.gate("lint").command).toContain("src/extra.ts");
    expect(run.gate("lint").command).not.toContain("src/slug.ts");
    expect(run.gate("typecheck").verdict).toBe("pass");
  });

  test("nothing changed: file-level gates are skipped, saying so", () => {
    const dir = fixture("ts-clean", { git: true });
    const run = gates(["ci", "--changed=main", "--only=lint"], dir, { fakes: fakeTools([]) });
    expect(run.gate("lint")).toMatchObject({ verdict: "skip", summary: "no JavaScript or TypeScript files in scope" });
  });

  test("a shallow clone without the base's history: exit 4 and what to do, not a silent pass over no files", () => {
    const origin = fixture("ts-clean", { git: true });
    sh(origin, "git", "checkout", "-q", "-b", "feature");
    writeFileSync(join(origin, "src/extra.ts"), "export const x = 1;\n");
    sh(origin, "git", "add", "-A");
    sh(origin, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "feature");
    const clone = join(origin, "..", "clone");
    sh(origin, "git", "clone", "-q", "--depth", "1", "--branch", "feature", `file://${origin}`, clone);
    sh(clone, "git", "fetch", "-q", "--depth", "1", "origin", "main:main");
    const run = runGatesRaw(["ci", "--changed=main"], clone);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain("no merge base between main and HEAD");
    expect(run.stderr).toContain("shallow clone");
    expect(run.stderr).toContain("fetch-depth: 0");
  });
});

describe("bad input: a clear message and the documented exit code, nothing run", () => {
  test.each([
    [
      "a typo in tollgate.toml names the key and suggests the right one",
      ["ci"],
      "[coverage]\nline_mni = 90\n",
      "tollgate.toml: coverage.line_mni: unknown key (did you mean coverage.line_min?)",
    ],
    [
      "an unknown preset",
      ["ci", "--preset", "strictest"],
      "",
      "flag --preset: preset: expected one of baseline, strict, legacy",
    ],
    ["an unknown gate", ["gate", "lnit"], "", 'unknown gate "lnit" (did you mean lint?)'],
    ["--changed outside a git repository", ["ci", "--changed"], "", "--changed needs a git repository"],
  ])("%s: exit 2", (_name, args, config, message) => {
    const dir = fixture("ts-clean");
    if (config !== "") writeFileSync(join(dir, "tollgate.toml"), config);
    const run = runGatesRaw(args, dir);
    expect(run.stderr).toContain(message);
    expect(run.code).toBe(2);
  });

  test("a folder with no project and no custom gate (exit 2)", () => {
    const run = runGatesRaw(["ci"], tempDir("empty-"));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("nothing to check");
  });
});

describe("signed evidence: which gates passed on which tree, verifiable offline", () => {
  test("ci --key signs .tollgate/evidence.jws; receipt verify checks it and its tree; a tampered copy fails", () => {
    const dir = fixture("ts-clean", { git: true });
    const home = join(dir, "..", "home");
    const key = JSON.parse(runTollgate(["keys", "generate", "--json"], { env: { HOME: home } }).stdout);
    const fakes = fakeTools(["lizard"], { lizard: [{ pattern: "--csv*", body: prints(CLEAN_LIZARD) }] });
    expect(gates(["ci", "--key", key.kid], dir, { fakes }).code).toBe(0);
    const jws = join(dir, ".tollgate/evidence.jws");
    const tree = sh(dir, "git", "rev-parse", "HEAD^{tree}").trim();
    const verify = (file: string, ...extra: string[]) =>
      runTollgate(["receipt", "verify", file, "--key", key.kid, ...extra], { env: { HOME: home } });
    const valid = verify(jws, "--tree", tree);
    expect(valid.code).toBe(0);
    expect(valid.stderr).toContain(`VALID: tollgate ci evidence: pass (9/9 gates passed) on tree ${tree}`);
    const other = verify(jws, "--tree", "0".repeat(40));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain("TREE_HASH_MISMATCH");
    const [header, payload, signature] = readFileSync(jws, "utf8").trim().split(".") as [string, string, string];
    const claimed = Buffer.from(payload, "base64url").toString().replace('"verdict": "pass"', '"verdict": "fail"');
    const tampered = join(dir, "..", "tampered.jws");
    writeFileSync(tampered, `${header}.${Buffer.from(claimed).toString("base64url")}.${signature}`);
    expect(verify(tampered).stderr).toContain("SIGNATURE_INVALID");
  });
});

describe("sandbox = true: every tool runs under bubblewrap", () => {
  test("the real tools still pass; a tool cannot write into the project or read tollgate's keys", () => {
    const dir = fixture("ts-clean");
    const home = join(dir, "..", "home");
    const key = JSON.parse(runTollgate(["keys", "generate", "--json"], { env: { HOME: home } }).stdout);
    const privateKey = join(home, ".config/tollgate/keys", `${key.kid}.key.pem`);
    const custom = (name: string, script: string) =>
      `[[gates.custom]]\nname = "${name}"\ncommand = ["sh", "-c", ${JSON.stringify(script)}]\nparser = "exit-code"\nstages = ["nightly"]\n`;
    writeFileSync(
      join(dir, "tollgate.toml"),
      [
        "sandbox = true\n",
        custom("plant", "echo planted > planted.txt"),
        custom("steal", `cat ${privateKey}`),
        custom("scratch", 'echo ok > "$HOME/note" && cat "$HOME/note"'),
      ].join("\n"),
    );
    const typecheck = gates(["gate", "typecheck"], dir, { fakes: fakeTools([]) });
    expect(typecheck.gate("typecheck").verdict).toBe("pass");
    const plant = gates(["gate", "plant"], dir, { fakes: fakeTools([]) });
    expect(plant.gate("plant").verdict).toBe("fail");
    expect(plant.gate("plant").output).toContain("Read-only file system");
    expect(existsSync(join(dir, "planted.txt"))).toBe(false);
    const steal = gates(["gate", "steal"], dir, { fakes: fakeTools([]) });
    expect(steal.gate("steal").verdict).toBe("fail");
    expect(steal.gate("steal").output).not.toContain("PRIVATE KEY");
    expect(gates(["gate", "scratch"], dir, { fakes: fakeTools([]) }).gate("scratch").verdict).toBe("pass");
  });
});

describe("every stage on the Python and polyglot fixtures", () => {
  const pythonFakes = () => fakeTools(undefined, { lizard: [{ pattern: "--csv*", body: prints(PYTHON_LIZARD) }] });

  test.each([
    [
      "python-pkg",
      "check",
      {
        fix: "pass",
        format: "pass",
        lint: "fail",
        typecheck: "fail",
        test: "fail",
        deps: "warn",
        crap: "skip",
      },
    ],
    [
      "python-pkg",
      "nightly",
      {
        format: "fail",
        lint: "fail",
        typecheck: "fail",
        test: "fail",
        coverage: "fail",
        complexity: "fail",
        crap: "fail",
        deps: "fail",
        arch: "skip",
        audit: "fail",
        mutation: "fail",
      },
    ],
    [
      "polyglot",
      "check",
      {
        "fix (python)": "pass",
        "format (python)": "pass",
        "fix (js)": "pass",
        "format (js)": "pass",
        "lint (python)": "fail",
        "typecheck (python)": "fail",
        "test (python)": "pass",
        "deps (python)": "warn",
        "crap (python)": "skip",
        "lint (js)": "pass",
        "typecheck (js)": "pass",
        "test (js)": "fail",
        "deps (js)": "pass",
        "crap (js)": "skip",
      },
    ],
    [
      "polyglot",
      "nightly",
      {
        "format (python)": "fail",
        "lint (python)": "fail",
        "typecheck (python)": "fail",
        "test (python)": "pass",
        "coverage (python)": "pass",
        "complexity (python)": "pass",
        "crap (python)": "pass",
        "deps (python)": "fail",
        "arch (python)": "skip",
        "audit (python)": "fail",
        "mutation (python)": "fail",
        "format (js)": "pass",
        "lint (js)": "pass",
        "typecheck (js)": "pass",
        "test (js)": "fail",
        "coverage (js)": "pass",
        "complexity (js)": "pass",
        "crap (js)": "pass",
        "deps (js)": "pass",
        "arch (js)": "pass",
        "audit (js)": "pass",
        "mutation (js)": "error",
      },
    ],
  ] as [string, string, Record<string, string>][])("%s %s", (name, stage, expected) => {
    // python-pkg's lizard output names its complex function; polyglot gets lizard's recorded sample.
    const fakes = name === "python-pkg" ? pythonFakes() : fakeTools();
    const run = gates([stage], fixture(name, { venv: true }), { fakes });
    expect(verdicts(run)).toEqual(expected);
    expect(run.code).toBe(1);
  });

  test("nightly on python-pkg: mutmut's score from its mutants (replayed), pip-audit's unrated advisories fail", () => {
    const run = gates(["nightly", "--only=mutation,audit"], fixture("python-pkg", { venv: true }), {
      fakes: pythonFakes(),
    });
    expect(run.gate("mutation").summary).toBe("50% mutation score (>= 60): 5 killed, 4 survivors, 1 timed out");
    expect(run.gate("audit").summary).toBe(
      "2 advisories in 1 package, 2 rated high or above, or unrated; 1 package not audited",
    );
  });

  test("nightly on polyglot: npm audit answers offline from the lockfile; stryker's aborted run is an error", () => {
    const run = gates(["nightly", "--only=audit,mutation"], fixture("polyglot", { venv: true }), {
      fakes: pythonFakes(),
    });
    expect(verdicts(run)).toEqual({
      "audit (python)": "fail",
      "mutation (python)": "fail",
      "audit (js)": "pass",
      "mutation (js)": "error",
    });
  });

  test("pre-commit: each toolchain sees only its staged files", () => {
    const dir = fixture("polyglot", { venv: true, git: true });
    writeFileSync(join(dir, "web/double.js"), `${readFileSync(join(dir, "web/double.js"), "utf8")}\n`);
    sh(dir, "git", "add", "web/double.js");
    const fakes = pythonFakes();
    const run = gates(["pre-commit"], dir, { fakes });
    expect(verdicts(run)).toMatchObject({ "lint (python)": "skip", "lint (js)": "pass" });
    expect(run.gate("lint (js)").command?.slice(-1)).toEqual(["web/double.js"]);
    expect(fakes.calls().filter((call) => !call.endsWith("--version"))).toEqual([]);
    const python = fixture("python-pkg", { venv: true, git: true });
    writeFileSync(join(python, "src/pypkg/calc.py"), `${readFileSync(join(python, "src/pypkg/calc.py"), "utf8")}\n`);
    sh(python, "git", "add", "src/pypkg/calc.py");
    const pythonRun = gates(["pre-commit"], python, { fakes });
    expect(verdicts(pythonRun)).toEqual({ fix: "pass", format: "pass", lint: "fail" });
    expect(fakes.calls()).toContain("ruff check --output-format=json --no-fix --no-cache src/pypkg/calc.py");
  });
});

describe("post-edit never stops an agent", () => {
  test("outside a git repository, or with a broken config, it says why on stderr and exits 0", () => {
    const dir = fixture("ts-clean");
    const outside = runGatesRaw(["post-edit"], dir);
    expect(outside.code).toBe(0);
    expect(outside.stderr).toContain("needs a git repository");
    writeFileSync(join(dir, "tollgate.toml"), "preset = 'strictest'\n");
    const broken = runGatesRaw(["post-edit"], dir);
    expect(broken.code).toBe(0);
    expect(broken.stderr).toContain("preset");
    expect(broken.stderr).toContain("advisory: nothing was fixed; exit 0");
  });
});

describe("custom gates: the project's own commands, read with the parser they name", () => {
  test("exit code, JUnit, SARIF, lcov and Cobertura reports give their verdicts; acceptance runs them all", () => {
    const dir = fixture("ts-clean");
    const outputs = join(PROJECTS, "..", "outputs");
    const copying = (name: string, parser: string, from: string, report: string) =>
      [
        "[[gates.custom]]",
        `name = "${name}"`,
        `command = ["cp", ${JSON.stringify(join(outputs, from))}, "${report}"]`,
        `parser = "${parser}"`,
        `report = "${report}"`,
        'stages = ["nightly"]',
        "",
      ].join("\n");
    writeFileSync(
      join(dir, "tollgate.toml"),
      [
        copying("junit-tests", "junit", "pytest/junit-failures.xml", "out/junit.xml"),
        copying("sarif-scan", "sarif", "sarif/biome.sarif", "out/scan.sarif"),
        copying("lcov-cover", "lcov", "lcov/bun.lcov.info", "out/lcov.info"),
        copying("cobertura-cover", "cobertura", "coverage-py/coverage.xml", "out/coverage.xml"),
        '[[gates.custom]]\nname = "smoke"\ncommand = ["true"]\nparser = "exit-code"\nstages = ["ci"]\n',
      ].join("\n"),
    );
    mkdirSync(join(dir, "out"));
    const run = gates(["gate", "acceptance"], dir, { fakes: fakeTools([]) });
    expect(verdicts(run)).toEqual({
      "junit-tests": "fail",
      "sarif-scan": "fail",
      "lcov-cover": "fail",
      "cobertura-cover": "fail",
      smoke: "pass",
    });
    expect(run.gate("junit-tests").summary).toMatch(/failed/);
    expect(run.gate("sarif-scan").findings.length).toBeGreaterThan(0);
    expect(run.gate("lcov-cover").measurement?.unit).toBe("% lines covered");
    // A stage runs the custom gates that name it.
    const ci = gates(["ci", "--only=acceptance"], dir, { fakes: fakeTools([]) });
    expect(verdicts(ci)).toEqual({ smoke: "pass" });
    // Custom gates are the acceptance gate's: --skip=acceptance (or --only without it) leaves them out.
    expect(verdicts(gates(["ci", "--only=lint"], dir, { fakes: fakeTools([]) }))).toEqual({ lint: "pass" });
    expect(
      gates(["ci", "--skip=acceptance"], dir, { fakes: fakeTools([]) }).report.gates.map((g) => g.id),
    ).not.toContain("smoke");
  });
});

describe("mutation testing within its budget", () => {
  test("a run stopped at mutation.budget_seconds reports the score of what ran, marked partial", () => {
    const dir = fixture("python-pkg", { venv: true });
    writeFileSync(join(dir, "tollgate.toml"), "[mutation]\nbudget_seconds = 1\n");
    const outputs = join(PROJECTS, "..", "outputs", "mutmut", "mutants");
    const fakes = fakeTools(["mutmut"], {
      mutmut: [{ pattern: "run*", body: `mkdir -p mutants && cp -r '${outputs}'/. mutants/ && exec sleep 30` }],
    });
    const run = gates(["gate", "mutation"], dir, { fakes });
    expect(run.gate("mutation").measurement).toMatchObject({ value: 50, partial: true });
    expect(run.gate("mutation").summary).toContain("(partial: stopped before every mutant ran)");
    expect(run.gate("mutation").durationMs).toBeLessThan(10_000);
  });
});

describe("report files", () => {
  test("a --sarif path in a missing folder, or an unknown --key, is refused before any tool runs (exit 2)", () => {
    const dir = fixture("ts-clean");
    const fakes = fakeTools(["lizard"]);
    const sarif = runGatesRaw(["ci", "--sarif", "no/such/folder/out.sarif"], dir, fakes);
    expect(sarif.code).toBe(2);
    expect(sarif.stderr).toContain("--sarif no/such/folder/out.sarif: the folder");
    const key = runGatesRaw(["ci", "--key", "A".repeat(43)], dir, fakes);
    expect(key.code).toBe(2);
    expect(fakes.calls()).toEqual([]);
  });

  test("a step summary file that cannot be written is an environment failure (exit 4), after the results are shown", () => {
    const dir = fixture("ts-clean");
    const summary = { GITHUB_STEP_SUMMARY: join(dir, "missing-folder", "summary.md") };
    const run = runGatesRaw(["gate", "lint"], dir, fakeTools([]), summary);
    expect(run.stderr).toContain("pass  lint");
    expect(run.stderr).toContain("could not write the step summary ($GITHUB_STEP_SUMMARY)");
    expect(run.code).toBe(4);
  });
});
