import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../../src/core/errors.ts";
import { ensurePrivateDir, readFileCapped, removePendingTempFiles, writeFileAtomic } from "../../src/core/files.ts";
import { tempDir } from "../helpers.ts";

describe("writeFileAtomic", () => {
  test("writes a 0600 file and leaves no temp file beside it", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeFileAtomic(path, "first");
    writeFileAtomic(path, "second");
    expect(readFileSync(path, "utf8")).toBe("second");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  test("keeps the old content when the write fails", () => {
    const dir = tempDir();
    const path = join(dir, "state.json");
    writeFileAtomic(path, "old");
    mkdirSync(join(dir, "blocker"));
    // Renaming a file over a non-empty directory fails: the old file must survive.
    writeFileSync(join(dir, "blocker", "x"), "");
    expect(() => writeFileAtomic(join(dir, "blocker"), "new")).toThrow();
    expect(readFileSync(path, "utf8")).toBe("old");
    expect(readdirSync(dir).sort()).toEqual(["blocker", "state.json"]);
  });

  test("honours an explicit mode", () => {
    const path = join(tempDir(), "public.pem");
    writeFileAtomic(path, "key", { mode: 0o644 });
    expect(statSync(path).mode & 0o777).toBe(0o644);
  });

  test("removePendingTempFiles is safe with nothing pending", () => {
    expect(() => removePendingTempFiles()).not.toThrow();
  });
});

describe("ensurePrivateDir", () => {
  test("creates 0700 folders and tightens an existing open one", () => {
    const base = tempDir();
    const fresh = join(base, "a", "b");
    ensurePrivateDir(fresh);
    expect(statSync(fresh).mode & 0o777).toBe(0o700);
    const open = join(base, "open");
    mkdirSync(open, { mode: 0o755 });
    chmodSync(open, 0o755);
    ensurePrivateDir(open);
    expect(statSync(open).mode & 0o777).toBe(0o700);
  });
});

describe("readFileCapped", () => {
  test("reads a file within the cap", () => {
    const path = join(tempDir(), "c.json");
    writeFileSync(path, "{}");
    expect(new TextDecoder().decode(readFileCapped(path, 10))).toBe("{}");
  });

  test("refuses an oversized file before reading it, naming sizes", () => {
    const path = join(tempDir(), "big.json");
    writeFileSync(path, "x".repeat(11));
    expect(() => readFileCapped(path, 10, "contract")).toThrow(
      /contract .*big\.json is 11 bytes; the limit is 10 bytes/,
    );
  });

  test("a missing file or a folder is a user error that names it", () => {
    const dir = tempDir();
    expect(() => readFileCapped(join(dir, "nope.json"), 10)).toThrow(UserError);
    expect(() => readFileCapped(join(dir, "nope.json"), 10)).toThrow(/nope\.json: no such file or directory/);
    expect(() => readFileCapped(dir, 10)).toThrow(/is not a regular file/);
  });
});
