/** The SQLite seam: bun:sqlite is loaded lazily, only by src/core/runtime-sqlite.ts, and works in a compiled executable. */
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { compile } from "../../scripts/compile.ts";
import { openDatabase } from "../../src/core/index.ts";
import { PROJECT_ROOT, sourceFiles, tempDir } from "../helpers.ts";

const SRC = join(PROJECT_ROOT, "src");

test("only src/core/runtime-sqlite.ts names bun:sqlite, and only in a dynamic import", () => {
  const naming = sourceFiles(SRC).filter((file) => readFileSync(file, "utf8").includes("bun:sqlite"));
  expect(naming.map((file) => relative(SRC, file))).toEqual(["core/runtime-sqlite.ts"]);
  const source = readFileSync(join(SRC, "core", "runtime-sqlite.ts"), "utf8");
  expect(source).toContain('await import("bun:sqlite")');
  expect(source).not.toMatch(/^import[^(]*["']bun:sqlite["']/m);
  expect(source).not.toMatch(/^import[^(]*["']node:sqlite["']/m);
});

test("exec, run (with changes), get, close", async () => {
  const db = await openDatabase(join(tempDir(), "t.sqlite"));
  db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)");
  expect(db.run("INSERT INTO t VALUES (?, ?)", "a", 1)).toEqual({ changes: 1 });
  expect(db.run("INSERT OR IGNORE INTO t VALUES (?, ?)", "a", 2)).toEqual({ changes: 0 });
  expect(db.get("SELECT id, n FROM t WHERE id = ?", "a")).toEqual({ id: "a", n: 1 });
  expect(db.get("SELECT id FROM t WHERE id = ?", "b")).toBeUndefined();
  db.close();
});

test("the replay store works inside a bun build --compile executable", () => {
  const dir = tempDir();
  const entry = join(dir, "entry.ts");
  writeFileSync(
    entry,
    `import { openReplayStore } from ${JSON.stringify(join(SRC, "receipts", "index.ts"))};
const store = await openReplayStore(process.argv[2] as string);
const entryOf = { approvalId: "apr_1", contractSha256: "a".repeat(64) };
const first = store.consume([entryOf], "exe_1", new Date());
const second = store.consume([entryOf], "exe_2", new Date());
store.close();
process.stdout.write(JSON.stringify([first, second]));
`,
  );
  compile({ entry, outfile: join(dir, "entry") });
  const result = spawnSync(join(dir, "entry"), [join(dir, "state", "approvals.sqlite")], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  expect(JSON.parse(result.stdout)).toEqual([{ ok: true }, { ok: false, replayed: "apr_1" }]);
});
