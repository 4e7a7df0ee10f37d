/**
 * Attacks on the gates' cache through the built binary, with the real pytest
 * (Debian's, in a --system-site-packages venv): an input the cache key did
 * not cover served a stale pass for tests that now fail. Each test runs
 * `tollgate gate test` once (pass), changes something the test imports, and
 * runs again: the verdict must follow the change, never `(cached)`.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { fakeTools } from "./fake-tools.ts";
import { gates, runGatesRaw, sh } from "./stage-helpers.ts";

const PYPROJECT = `[project]
name = "victim"
version = "0.1.0"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
`;

/** A Python project with a venv (Debian's pytest), committed to git unless `git` is false. */
function project(files: Record<string, string>, gitignore: string[] = [], git = true): string {
  const dir = join(tempDir("adversarial-cache-"), "victim");
  mkdirSync(join(dir, "tests"), { recursive: true });
  writeFileSync(join(dir, "pyproject.toml"), PYPROJECT);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  sh(dir, "/usr/bin/python3", "-m", "venv", "--system-site-packages", "--without-pip", ".venv");
  if (!git) return dir;
  writeFileSync(join(dir, ".gitignore"), [".venv/", ".tollgate/", ...gitignore, ""].join("\n"));
  sh(dir, "git", "init", "-q", "-b", "main");
  sh(dir, "git", "add", "-A");
  sh(dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "victim");
  return dir;
}

const testGate = (dir: string) => gates(["gate", "test"], dir, { fakes: fakeTools([]) }).gate("test");

describe("the cache key covers what the tests read, not what git tracks", () => {
  test("a gitignored module the tests import (a generated config_local.py): changed, the test fails again", () => {
    const dir = project(
      {
        "config_local.py": "VALUE = 1\n",
        "tests/test_value.py": "from config_local import VALUE\n\ndef test_value():\n    assert VALUE == 1\n",
      },
      ["config_local.py"],
    );
    expect(sh(dir, "git", "status", "--porcelain", "--ignored")).toContain("!! config_local.py");
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: false });
    // Nothing changed: the second run is a cache hit.
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: true });
    writeFileSync(join(dir, "config_local.py"), "VALUE = 2\n");
    expect(testGate(dir)).toMatchObject({ verdict: "fail", cached: false });
  });

  test("a package named reports/ (a name the cache used to skip) outside git: changed, the test fails again", () => {
    const dir = project(
      {
        "reports/__init__.py": "def total():\n    return 3\n",
        "tests/test_total.py": "from reports import total\n\ndef test_total():\n    assert total() == 3\n",
      },
      [],
      false,
    );
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: false });
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: true });
    writeFileSync(join(dir, "reports/__init__.py"), "def total():\n    return 4\n");
    expect(testGate(dir)).toMatchObject({ verdict: "fail", cached: false });
  });

  test("a package installed in the venv: a new version (its dist-info) runs the tests again", () => {
    const dir = project({
      "tests/test_dep.py": "from dep import answer\n\ndef test_dep():\n    assert answer() == 42\n",
    });
    const lib = join(dir, ".venv", "lib");
    const site = join(lib, readdirSync(lib).find((name) => name.startsWith("python")) as string, "site-packages");
    writeFileSync(join(site, "dep.py"), "def answer():\n    return 42\n");
    mkdirSync(join(site, "dep-1.0.dist-info"));
    writeFileSync(join(site, "dep-1.0.dist-info", "METADATA"), "Name: dep\nVersion: 1.0\n");
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: false });
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: true });
    // An upgrade, as pip does it: new code and a new dist-info name.
    writeFileSync(join(site, "dep.py"), "def answer():\n    return 41\n");
    renameSync(join(site, "dep-1.0.dist-info"), join(site, "dep-2.0.dist-info"));
    expect(testGate(dir)).toMatchObject({ verdict: "fail", cached: false });
  });
});

test("reports tollgate writes into the project (--sarif, --junit) are not inputs: the next run is still a cache hit", () => {
  const dir = project({ "tests/test_ok.py": "def test_ok():\n    assert True\n" }, ["*.sarif", "*.xml"]);
  const run = (args: string[]) => gates(["gate", "test", ...args], dir, { fakes: fakeTools([]) }).gate("test");
  const reports = ["--sarif", join(dir, "out.sarif"), "--junit", join(dir, "junit.xml")];
  expect(run(reports)).toMatchObject({ verdict: "pass", cached: false });
  expect(run(reports)).toMatchObject({ verdict: "pass", cached: true });
});

describe("committed symlinks never crash the input hash, and are not followed out of the project", () => {
  test("a symlink to a folder (monorepo), a dangling one and a loop: ci runs, and the second run is a cache hit", () => {
    const dir = project({
      "libs/shared/__init__.py": "NAME = 'shared'\n",
      "tests/test_shared.py": "from packages.shared import NAME\n\ndef test_shared():\n    assert NAME == 'shared'\n",
    });
    mkdirSync(join(dir, "packages"));
    writeFileSync(join(dir, "packages/__init__.py"), "");
    symlinkSync("../libs/shared", join(dir, "packages/shared"));
    symlinkSync("../nowhere", join(dir, "packages/dangling"));
    symlinkSync("loop-b", join(dir, "packages/loop-a"));
    symlinkSync("loop-a", join(dir, "packages/loop-b"));
    sh(dir, "git", "add", "-A");
    sh(dir, "git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "links");
    // A FIFO is never opened by the hash (reading one would hang the run).
    sh(dir, "mkfifo", "packages/pipe");
    const first = runGatesRaw(["gate", "test"], dir, fakeTools([]), { HOME: join(dir, "..", "home") });
    expect(first.stderr).not.toContain("internal error");
    expect(first.code).toBe(0);
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: true });
    // The linked folder's content is an input where it lies.
    writeFileSync(join(dir, "libs/shared/__init__.py"), "NAME = 'changed'\n");
    expect(testGate(dir)).toMatchObject({ verdict: "fail", cached: false });
  });

  test("a symlink out of the project: what it leads to is unknown to the key, so nothing is cached", () => {
    const outside = tempDir("adversarial-outside-");
    writeFileSync(join(outside, "settings.py"), "LIMIT = 5\n");
    const dir = project({
      "tests/test_limit.py": "from linked.settings import LIMIT\n\ndef test_limit():\n    assert LIMIT == 5\n",
    });
    symlinkSync(outside, join(dir, "linked"));
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: false });
    expect(testGate(dir)).toMatchObject({ verdict: "pass", cached: false });
    writeFileSync(join(outside, "settings.py"), "LIMIT = 6\n");
    expect(testGate(dir)).toMatchObject({ verdict: "fail", cached: false });
  });
});
