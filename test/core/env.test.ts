import { describe, expect, test } from "bun:test";
import { childEnv, isCI, STRIPPED_CHILD_ENV } from "../../src/core/env.ts";

describe("childEnv", () => {
  const source = {
    PATH: "/usr/bin",
    HOME: "/home/u",
    SECRET_TOKEN: "canary-1",
    BUN_BE_BUN: "1",
    BUN_OPTIONS: "--inspect",
  };

  test("copies only allowlisted variables", () => {
    expect(childEnv(["PATH", "HOME"], {}, source)).toEqual({ PATH: "/usr/bin", HOME: "/home/u" });
  });

  test("strips BUN_BE_BUN and BUN_OPTIONS even when allowlisted or passed explicitly", () => {
    const env = childEnv(["PATH", "BUN_BE_BUN", "BUN_OPTIONS"], { BUN_OPTIONS: "--preload=x" }, source);
    for (const name of STRIPPED_CHILD_ENV) expect(env[name]).toBeUndefined();
    expect(env.PATH).toBe("/usr/bin");
  });

  test("the default allowlist never carries arbitrary secrets", () => {
    expect(Object.values(childEnv(undefined, {}, source))).not.toContain("canary-1");
  });
});

describe("isCI", () => {
  test.each([
    [{ CI: "true" }, true],
    [{ CI: "1" }, true],
    [{ CI: "false" }, false],
    [{ GITHUB_ACTIONS: "true" }, true],
    [{ GITLAB_CI: "true" }, true],
    [{}, false],
  ])("%p -> %p", (env, expected) => {
    expect(isCI(env)).toBe(expected);
  });
});
