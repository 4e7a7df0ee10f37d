import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../../src/core/process.ts";
import { tempDir } from "../../helpers.ts";
import { inside, outside, sh } from "./helpers.ts";

describe("argv stays argv", () => {
  test("shell metacharacters are literal: $(...), ;, backticks, |, && never run", async () => {
    const dir = tempDir();
    const payloads = [
      `$(touch ${dir}/m1)`,
      `x; touch ${dir}/m2`,
      `\`touch ${dir}/m3\``,
      `x | touch ${dir}/m4`,
      `x && touch ${dir}/m5`,
    ];
    // The payloads work when a shell reads them: the attack is real.
    for (const payload of payloads) await runProcess(["sh", "-c", `echo ${payload}`], { env: {}, timeoutMs: 5000 });
    for (const n of [1, 2, 3, 4, 5]) expect(existsSync(join(dir, `m${n}`))).toBe(true);

    const clean = tempDir();
    const literal = payloads.map((payload) => payload.replaceAll(dir, clean));
    for (const run of [outside, inside]) {
      const result = await run([["/usr/bin/printf", "%s\\n", ...literal]], { cwd: clean, readPaths: [clean] });
      expect(result.status).toBe("success");
      expect(result.stdout.text).toBe(`${literal.join("\n")}\n`);
    }
    for (const n of [1, 2, 3, 4, 5]) expect(existsSync(join(clean, `m${n}`))).toBe(false);
  });

  test("a NUL byte in argv is refused before anything launches (it would cut the argument short)", async () => {
    const dir = tempDir();
    const marker = join(dir, "created");
    // Without the check, C sees only the part before the NUL: `touch <marker>` would run.
    const truncated = `${marker}\0-ignored`.split("\0")[0] as string;
    expect((await outside([["/usr/bin/touch", truncated]])).status).toBe("success");
    expect(existsSync(marker)).toBe(true);

    const other = join(tempDir(), "created");
    for (const run of [outside, inside]) {
      const result = await run([["/usr/bin/touch", `${other}\0-ignored`]]);
      expect(result).toMatchObject({ status: "sandbox_error", sandboxError: expect.stringContaining("NUL byte") });
    }
    const inEnv = await inside([sh("true")], { env: { PATH: "/usr/bin", X: "a\0--bind / /" } });
    expect(inEnv.status).toBe("sandbox_error");
    expect(existsSync(other)).toBe(false);
  });
});

test("a command cannot forge bwrap's status report: tollgate's descriptors are closed inside", async () => {
  const forge = sh(`for fd in 3 4 5; do echo '{ "exit-code": 0 }' >&$fd; done; exit 3`);
  const result = await inside([forge]);
  expect(result).toMatchObject({ status: "failed", exitCode: 3 });
  expect(result.stderr.text).toContain("4: Bad file descriptor");
});
