/**
 * Attacks on tollgate's per-project state folder through the built binary: a
 * repository that ships `.tollgate` as a symlink made `tollgate ci` chmod the
 * link's target 0700 and write evidence outside the project; a `.tollgate`
 * that is a file, or an `evidence.json` that is a folder, crashed it (exit 70).
 * Each must be a clear refusal (exit 4), with the link's target untouched.
 */
import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.ts";
import { fakeTools } from "./fake-tools.ts";
import { runGatesRaw } from "./stage-helpers.ts";

/** A Python project whose one test passes, and a folder outside it that a link could point at. */
function project(): { dir: string; outside: string } {
  const base = tempDir("adversarial-state-");
  const dir = join(base, "victim");
  mkdirSync(join(dir, "tests"), { recursive: true });
  writeFileSync(
    join(dir, "pyproject.toml"),
    `[project]\nname = "victim"\nversion = "0.1.0"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n`,
  );
  writeFileSync(join(dir, "tests/test_ok.py"), "def test_ok():\n    assert True\n");
  const outside = join(base, "outside");
  mkdirSync(outside);
  chmodSync(outside, 0o755);
  writeFileSync(join(outside, "evidence.json"), "precious\n");
  chmodSync(join(outside, "evidence.json"), 0o644);
  return { dir, outside };
}

const ci = (dir: string) => runGatesRaw(["ci", "--only=test"], dir, fakeTools([]), { HOME: join(dir, "..", "home") });

/** The outside folder as it was made: mode 0755, one file of unchanged content and mode. */
function expectUntouched(outside: string): void {
  expect(statSync(outside).mode & 0o777).toBe(0o755);
  expect(readdirSync(outside)).toEqual(["evidence.json"]);
  expect(readFileSync(join(outside, "evidence.json"), "utf8")).toBe("precious\n");
  expect(statSync(join(outside, "evidence.json")).mode & 0o777).toBe(0o644);
}

describe("the state folder is tollgate's own, or tollgate refuses it", () => {
  test("the baseline: ci writes .tollgate/evidence.json, 0700 folder", () => {
    const { dir } = project();
    const run = ci(dir);
    expect(run.code).toBe(0);
    expect(statSync(join(dir, ".tollgate")).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(join(dir, ".tollgate/evidence.json"), "utf8")).verdict).toBe("pass");
  });

  test(".tollgate is a symlink to a folder outside: exit 4 before anything runs, the target untouched", () => {
    const { dir, outside } = project();
    symlinkSync(outside, join(dir, ".tollgate"));
    const run = ci(dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(".tollgate is a symlink");
    expect(run.stderr).not.toContain("internal error");
    expectUntouched(outside);
  });

  test(".tollgate is a plain file: exit 4 with what to do, the file unchanged", () => {
    const { dir } = project();
    writeFileSync(join(dir, ".tollgate"), "not a folder\n");
    const run = ci(dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(".tollgate is not a folder");
    expect(readFileSync(join(dir, ".tollgate"), "utf8")).toBe("not a folder\n");
  });

  test(".tollgate/evidence.json is a folder: exit 4 naming it, not a crash", () => {
    const { dir } = project();
    mkdirSync(join(dir, ".tollgate/evidence.json/inside"), { recursive: true });
    const run = ci(dir);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`could not write ${join(dir, ".tollgate/evidence.json")}`);
    expect(run.stderr).not.toContain("internal error");
  });

  test("files inside .tollgate that are symlinks are replaced or left alone, never written through", () => {
    const { dir, outside } = project();
    mkdirSync(join(dir, ".tollgate"));
    symlinkSync(join(outside, "evidence.json"), join(dir, ".tollgate/evidence.json"));
    symlinkSync(join(outside, "gitignore"), join(dir, ".tollgate/.gitignore"));
    const run = ci(dir);
    expect(run.code).toBe(0);
    // The evidence link was replaced by tollgate's own file; the dangling .gitignore link was left as it is.
    expect(lstatSync(join(dir, ".tollgate/evidence.json")).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, ".tollgate/evidence.json"), "utf8")).verdict).toBe("pass");
    expect(lstatSync(join(dir, ".tollgate/.gitignore")).isSymbolicLink()).toBe(true);
    expectUntouched(outside);
  });
});
