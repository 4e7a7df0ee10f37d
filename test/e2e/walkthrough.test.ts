/**
 * The README's walk-through, run as written against the compiled binary: a
 * key, a policy decision, a hardened run, an offline verification, and a
 * tampered receipt that must fail.
 */
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ensureBinary, PROJECT_ROOT, tempDir } from "../helpers.ts";

function walkthrough(): string {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Walk-through"));
  const block = section.match(/```sh\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error("README.md has no sh block in its Walk-through section");
  return block;
}

test("the README walk-through works as written, and the tampered receipt is refused", () => {
  const home = tempDir("tollgate-walk-");
  const result = spawnSync("sh", ["-eu", "-c", walkthrough()], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: `${dirname(ensureBinary())}:/usr/local/bin:/usr/bin:/bin`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      TMPDIR: home,
      NO_COLOR: "1",
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(result.stderr).toContain("allow: contract contract_git_status_001");
  expect(result.stdout).toContain("?? hello.txt");
  expect(result.stderr).toMatch(/VALID: receipt exe_\w+ \(success\)/);
  expect(result.stderr).toContain("INVALID:");
  expect(result.status).toBe(0);
});
