import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { EnvironmentError, UserError } from "../../src/core/errors.ts";
import {
  checkStateDir,
  ensurePrivateDir,
  readFileCapped,
  removePendingTempFiles,
  withStateDir,
  writeFileAtomic,
} from "../../src/core/files.ts";
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

describe("the project state folder (.tollgate)", () => {
  test("ensurePrivateDir does not chmod the target of a symlink", () => {
    const base = tempDir();
    const target = join(base, "target");
    mkdirSync(target, { mode: 0o755 });
    chmodSync(target, 0o755);
    symlinkSync(target, join(base, "link"));
    ensurePrivateDir(join(base, "link"));
    expect(statSync(target).mode & 0o777).toBe(0o755);
  });

  test("withStateDir creates it 0700 and writes into it", () => {
    const dir = join(tempDir(), ".tollgate");
    withStateDir(dir, (path) => writeFileAtomic(join(path, "evidence.json"), "{}"));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, "evidence.json"), "utf8")).toBe("{}");
  });

  test("a symlink, a file, another user's folder: exit-4 errors with a code, nothing written", () => {
    const base = tempDir();
    const outside = join(base, "outside");
    mkdirSync(outside);
    symlinkSync(outside, join(base, "link"));
    writeFileSync(join(base, "file"), "x");
    const codeOf = (dir: string) => {
      try {
        withStateDir(dir, (path) => writeFileAtomic(join(path, "evidence.json"), "{}"));
      } catch (error) {
        expect(error).toBeInstanceOf(EnvironmentError);
        return (error as EnvironmentError).code;
      }
      return "written";
    };
    expect(codeOf(join(base, "link"))).toBe("STATE_DIR_SYMLINK");
    expect(codeOf(join(base, "file"))).toBe("STATE_DIR_NOT_A_FOLDER");
    expect(readdirSync(outside)).toEqual([]);
    const mine = join(base, "mine");
    mkdirSync(mine);
    const realGetuid = process.getuid;
    process.getuid = () => statSync(mine).uid + 1;
    try {
      expect(codeOf(mine)).toBe("STATE_DIR_NOT_OWNED");
      expect(() => checkStateDir(mine)).toThrow(/belongs to uid/);
    } finally {
      process.getuid = realGetuid;
    }
    expect(readdirSync(mine)).toEqual([]);
  });

  test("swapping the folder for a symlink after the check does not redirect the writes", () => {
    const base = tempDir();
    const dir = join(base, ".tollgate");
    const outside = join(base, "outside");
    mkdirSync(outside);
    withStateDir(dir, (path) => {
      renameSync(dir, join(base, "moved"));
      symlinkSync(outside, dir);
      writeFileAtomic(join(path, "evidence.json"), "{}");
    });
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(join(base, "moved", "evidence.json"), "utf8")).toBe("{}");
  });

  test("a folder where the file should be: an exit-4 error naming the file", () => {
    const dir = join(tempDir(), ".tollgate");
    mkdirSync(join(dir, "evidence.json", "x"), { recursive: true });
    expect(() => withStateDir(dir, (path) => writeFileAtomic(join(path, "evidence.json"), "{}"))).toThrow(
      `could not write ${join(dir, "evidence.json")}`,
    );
  });
});
