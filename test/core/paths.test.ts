import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { enclosingProject, findProjectRoot, userCacheDir, userConfigDir } from "../../src/core/paths.ts";
import { tempDir } from "../helpers.ts";

describe("XDG folders", () => {
  test("use XDG_*_HOME when absolute", () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: "/x/config", HOME: "/home/u" })).toBe("/x/config/tollgate");
    expect(userCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" })).toBe("/x/cache/tollgate");
  });

  test("ignore relative XDG values, as the spec requires, and fall back to HOME", () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: "relative", HOME: "/home/u" })).toBe("/home/u/.config/tollgate");
    expect(userCacheDir({ HOME: "/home/u" })).toBe("/home/u/.cache/tollgate");
  });
});

describe("findProjectRoot", () => {
  test("prefers the git root over a nearer package.json", () => {
    const repo = tempDir();
    mkdirSync(join(repo, ".git"));
    const pkg = join(repo, "packages", "a");
    mkdirSync(join(pkg, "src"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), "{}");
    expect(findProjectRoot(join(pkg, "src"))).toBe(repo);
  });

  test("falls back to the nearest project marker, then to the start folder", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "py", "src"), { recursive: true });
    writeFileSync(join(dir, "py", "pyproject.toml"), "");
    expect(findProjectRoot(join(dir, "py", "src"))).toBe(join(dir, "py"));
  });
});

describe("enclosingProject", () => {
  test("is the project root inside a project, and undefined outside any", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "repo", ".git"), { recursive: true });
    mkdirSync(join(dir, "repo", "src"));
    mkdirSync(join(dir, "loose"));
    expect(enclosingProject(join(dir, "repo", "src"))).toBe(join(dir, "repo"));
    expect(enclosingProject(join(dir, "loose"))).toBeUndefined();
    expect(findProjectRoot(join(dir, "loose"))).toBe(join(dir, "loose"));
  });
});
