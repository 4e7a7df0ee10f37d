/**
 * The input digest of the step cache, in process on real folders: what
 * changes it (anything a tool can read) and what does not (tollgate's own
 * state, what a dependency folder holds beyond its packages' versions).
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inputHasher } from "../../src/gates/cache.ts";
import { tempDir } from "../helpers.ts";

function tree(files: Record<string, string>): string {
  const root = tempDir("cache-inputs-");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A fresh hasher each time, as each run makes one (its file index is remembered between runs). */
const digestOf = (root: string, state: string, exclude: string[] = []) => {
  const hasher = inputHasher(root, state, { exclude });
  const digest = hasher.digest();
  hasher.save();
  return digest;
};

describe("the input digest", () => {
  test("any file changes it, whatever its folder is called; .tollgate/ and excluded reports do not", () => {
    const root = tree({
      "src/a.py": "A = 1\n",
      "reports/__init__.py": "R = 1\n",
      "build/gen.py": "G = 1\n",
      ".tollgate/evidence.json": "{}",
      "out.sarif": "{}",
    });
    const state = tempDir("cache-state-");
    const exclude = [join(root, "out.sarif")];
    const first = digestOf(root, state, exclude);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(digestOf(root, state, exclude)).toBe(first);
    writeFileSync(join(root, ".tollgate/evidence.json"), '{"changed":true}');
    writeFileSync(join(root, "out.sarif"), '{"changed":true}');
    expect(digestOf(root, state, exclude)).toBe(first);
    for (const file of ["reports/__init__.py", "build/gen.py"]) {
      writeFileSync(join(root, file), "changed = True\n");
      expect(digestOf(root, state, exclude)).not.toBe(first);
    }
  });

  test("node_modules counts by its lockfile and its packages' names and versions, not their caches", () => {
    const root = tree({
      "package.json": "{}",
      "node_modules/.package-lock.json": '{"lockfileVersion":3}',
      "node_modules/left-pad/package.json": '{"name":"left-pad","version":"1.0.0"}',
      "node_modules/@scope/util/package.json": '{"name":"@scope/util","version":"2.0.0"}',
      "node_modules/.vite/vitest/results.json": "{}",
    });
    const state = tempDir("cache-state-");
    const first = digestOf(root, state);
    writeFileSync(join(root, "node_modules/.vite/vitest/results.json"), '{"run":2}');
    expect(digestOf(root, state)).toBe(first);
    writeFileSync(join(root, "node_modules/@scope/util/package.json"), '{"name":"@scope/util","version":"2.0.1"}');
    const upgraded = digestOf(root, state);
    expect(upgraded).not.toBe(first);
    writeFileSync(join(root, "node_modules/.package-lock.json"), '{"lockfileVersion":3,"x":1}');
    expect(digestOf(root, state)).not.toBe(upgraded);
  });

  test("a venv is found by its pyvenv.cfg, whatever its name, and counts by its dist-info names", () => {
    const root = tree({
      "env-of-mine/pyvenv.cfg": "home = /usr/bin\n",
      "env-of-mine/lib/python3.11/site-packages/dep-1.0.dist-info/METADATA": "Name: dep\n",
      "env-of-mine/lib/python3.11/site-packages/dep/__init__.py": "X = 1\n",
    });
    const state = tempDir("cache-state-");
    const first = digestOf(root, state);
    mkdirSync(join(root, "env-of-mine/lib/python3.11/site-packages/other-3.2.dist-info"));
    expect(digestOf(root, state)).not.toBe(first);
  });

  test("symlinks count as their targets' names, are never followed, and one out of the root means: do not cache", () => {
    const root = tree({ "libs/shared/x.py": "X = 1\n" });
    mkdirSync(join(root, "packages"));
    symlinkSync("../libs/shared", join(root, "packages/shared"));
    symlinkSync("missing", join(root, "packages/dangling"));
    symlinkSync("loop", join(root, "packages/loop"));
    const state = tempDir("cache-state-");
    const first = digestOf(root, state);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    symlinkSync("../libs", join(root, "packages/libs"));
    expect(digestOf(root, state)).not.toBe(first);
    symlinkSync(tempDir("cache-outside-"), join(root, "packages/outside"));
    expect(digestOf(root, state)).toBeUndefined();
  });
});
