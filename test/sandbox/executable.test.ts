import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cachingFileSystem, evaluate } from "../../src/sandbox/index.ts";
import { tempDir } from "../helpers.ts";
import { command, contract, options, policy } from "./fixtures.ts";

function layout() {
  const dir = tempDir();
  const bin = join(dir, "bin");
  const other = join(dir, "other");
  mkdirSync(bin);
  mkdirSync(other);
  writeFileSync(join(bin, "tool3.11"), "#!/bin/sh\n", { mode: 0o755 });
  symlinkSync(join(bin, "tool3.11"), join(bin, "tool3"));
  writeFileSync(join(bin, "plain"), "not executable\n", { mode: 0o644 });
  mkdirSync(join(bin, "folder"));
  writeFileSync(join(other, "plain"), "#!/bin/sh\n");
  chmodSync(join(other, "plain"), 0o755);
  return { dir, bin, other };
}

describe("the caching file system", () => {
  test("a bare name is found on PATH and resolved through symlinks", () => {
    const { bin } = layout();
    expect(cachingFileSystem().findExecutable("tool3", bin)).toEqual({
      location: join(bin, "tool3"),
      file: join(bin, "tool3.11"),
    });
  });

  test("non-executable files and folders are skipped; the search goes on along PATH", () => {
    const { bin, other } = layout();
    const fs = cachingFileSystem();
    expect(fs.findExecutable("plain", `${bin}:${other}`)?.file).toBe(join(other, "plain"));
    expect(fs.findExecutable("folder", bin)).toBeUndefined();
    expect(fs.findExecutable("missing", bin)).toBeUndefined();
  });

  test("relative and empty PATH entries are ignored (the cwd never supplies a program)", () => {
    const { bin } = layout();
    const previous = process.cwd();
    process.chdir(bin);
    try {
      expect(cachingFileSystem().findExecutable("tool3", ".::bin")).toBeUndefined();
    } finally {
      process.chdir(previous);
    }
  });

  test("an absolute argv[0] is normalised and resolved", () => {
    const { bin } = layout();
    expect(cachingFileSystem().findExecutable(`${bin}/../bin/tool3`, "")?.file).toBe(join(bin, "tool3.11"));
  });

  test("realPath resolves symlinks in the part that exists and keeps the rest", () => {
    const { dir, bin } = layout();
    symlinkSync(bin, join(dir, "link"));
    const fs = cachingFileSystem();
    expect(fs.realPath(join(dir, "link", "tool3"))).toBe(join(bin, "tool3.11"));
    expect(fs.realPath(join(dir, "link", "not", "yet"))).toBe(join(bin, "not", "yet"));
  });

  test("answers are cached: a program removed after the first lookup is still reported (one view per evaluation)", () => {
    const { bin } = layout();
    const fs = cachingFileSystem();
    const first = fs.findExecutable("tool3", bin);
    expect(fs.findExecutable("tool3", bin)).toBe(first as NonNullable<typeof first>);
  });

  test("end to end: a program in an untrusted folder is refused until the policy names the folder", () => {
    const { bin } = layout();
    const c = contract([command({ exec: { argv: ["tool3", "x"] } })]);
    const p = policy({ allow_commands: ["tool3"] });
    const o = options({ fs: cachingFileSystem(), searchPath: bin });
    expect(evaluate(c, p, o).decision.reason_codes).toEqual(["EXECUTABLE_NOT_TRUSTED"]);
    const trusted = policy({ allow_commands: ["tool3"], tollgate: { executable_dirs: [bin] } });
    const evaluation = evaluate(c, trusted, options({ fs: cachingFileSystem(), searchPath: bin }));
    expect(evaluation.decision.reason_codes).toEqual(["ALLOW"]);
    expect(evaluation.plans[0]?.segments).toEqual([[join(bin, "tool3.11"), "x"]]);
  });
});
