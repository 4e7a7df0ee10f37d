import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { plan } from "../../fixtures/sandbox/plans.ts";
import { tempDir } from "../../helpers.ts";
import { handArgv, inside, outside, runByHand, sh } from "./helpers.ts";

/** A workspace (cwd) with an `out` folder, and a folder outside it holding a secret. */
function workspace() {
  const ws = tempDir("tollgate-ws-");
  const away = tempDir("tollgate-away-");
  mkdirSync(join(ws, "out"));
  writeFileSync(join(away, "secret"), "outside-secret");
  return { ws, out: join(ws, "out"), away };
}

describe("weakness 5: traversal and symlinks never widen the scope", () => {
  test("a write path that is a symlink to a folder outside is refused, naming it", async () => {
    const { ws, away } = workspace();
    symlinkSync(away, join(ws, "link"));
    const write = sh(`echo pwned > ${ws}/link/planted`);
    expect((await outside([write], { cwd: ws, writePaths: [join(ws, "link")] })).status).toBe("success");
    expect(readFileSync(join(away, "planted"), "utf8")).toBe("pwned\n");

    const attempt = sh(`echo again > ${ws}/link/planted2`);
    const result = await inside([attempt], { cwd: ws, writePaths: [join(ws, "link")] });
    expect(result).toMatchObject({ status: "sandbox_error" });
    expect(result.sandboxError).toContain(`write path ${ws}/link resolves to ${away}, outside the paths`);
    expect(existsSync(join(away, "planted2"))).toBe(false);
  });

  test("a symlink inside a write path pointing outside leads nowhere writable", async () => {
    const { ws, out, away } = workspace();
    symlinkSync(away, join(out, "escape"));
    const write = (name: string) => sh(`echo pwned > ${out}/escape/${name}`);
    expect((await outside([write("a")], { cwd: ws, writePaths: [out] })).status).toBe("success");
    expect(existsSync(join(away, "a"))).toBe(true);

    const result = await inside([write("b")], { cwd: ws, writePaths: [out] });
    expect(result.status).toBe("failed");
    expect(existsSync(join(away, "b"))).toBe(false);
  });

  test("a read path or cwd that is a symlink to outside is refused", async () => {
    const { ws, away } = workspace();
    symlinkSync(away, join(ws, "peek"));
    const read = ["/usr/bin/cat", `${ws}/peek/secret`];
    expect((await outside([read], { cwd: ws, readPaths: [join(ws, "peek")] })).stdout.text).toBe("outside-secret");
    const viaRead = await inside([read], { cwd: ws, readPaths: [join(ws, "peek")] });
    expect(viaRead.sandboxError).toContain(`read path ${ws}/peek resolves to ${away}`);
    const viaCwd = await inside([["/usr/bin/cat", "secret"]], { cwd: join(ws, "peek") });
    expect(viaCwd.sandboxError).toContain(`cwd ${ws}/peek resolves to ${away}`);
  });

  test("../ traversal out of the cwd finds nothing: only declared paths are mounted", async () => {
    const { ws, away } = workspace();
    const read = ["/usr/bin/cat", `${ws}/../${away.split("/").pop()}/secret`];
    expect((await outside([read], { cwd: ws })).stdout.text).toBe("outside-secret");
    const result = await inside([read], { cwd: ws });
    expect(result.status).toBe("failed");
    expect(result.stdout.text).toBe("");
    expect(result.stderr.text).toContain("No such file or directory");
  });

  test("host files outside the plan are invisible: /etc/shadow, /root", async () => {
    const { ws } = workspace();
    for (const read of [
      ["/usr/bin/cat", "/etc/shadow"],
      ["/usr/bin/ls", "/root"],
    ]) {
      expect((await outside([read], { cwd: ws })).status).toBe("success");
      const result = await inside([read], { cwd: ws });
      expect(result.status).toBe("failed");
      expect(result.stderr.text).toContain("No such file or directory");
    }
  });
});

describe("weakness 5: mount order and capabilities", () => {
  test("a workspace under /tmp stays visible: the private /tmp is mounted before the binds", async () => {
    const { ws } = workspace();
    writeFileSync(join(ws, "file"), "in-tmp");
    const result = await inside([["/usr/bin/cat", "file"]], { cwd: ws });
    expect(result).toMatchObject({ status: "success" });
    expect(result.stdout.text).toBe("in-tmp");
    // The reference runner's order (tmpfs after the binds) hides it: the order is what makes it work.
    const wrongOrder = handArgv(plan([["/usr/bin/cat", `${ws}/file`]]));
    const at = wrongOrder.indexOf("--chdir");
    wrongOrder.splice(at, 0, "--ro-bind", ws, ws, "--tmpfs", "/tmp");
    expect((await runByHand(wrongOrder)).stderr.text).toContain("No such file or directory");
  });

  test("a writable folder inside the read-only cwd is writable; the rest of the cwd is not", async () => {
    const { ws, out } = workspace();
    const writeBoth = (tag: string) => sh(`echo ${tag} > out/${tag}; echo ${tag} > ${tag}`);
    expect((await outside([writeBoth("a")], { cwd: ws, writePaths: [out] })).status).toBe("success");
    expect(existsSync(join(ws, "a"))).toBe(true);

    const result = await inside([writeBoth("b")], { cwd: ws, writePaths: [out] });
    expect(readFileSync(join(out, "b"), "utf8")).toBe("b\n");
    expect(result.status).toBe("failed");
    expect(result.stderr.text).toContain("Read-only file system");
    expect(existsSync(join(ws, "b"))).toBe(false);
  });

  test("root inside cannot remount a read-only bind writable (--cap-drop ALL)", async () => {
    const { ws } = workspace();
    const remount = ["/usr/bin/mount", "-o", "remount,rw,bind", ws];
    const planned = plan([sh(`mount -o remount,rw,bind ${ws} && echo writable > ${ws}/remounted`)], { cwd: ws });
    // With the capabilities bwrap leaves to root by default, the remount works and the write lands.
    const withCaps = await runByHand(handArgv(planned, ["--cap-drop"]));
    expect(withCaps.exitCode).toBe(0);
    expect(existsSync(join(ws, "remounted"))).toBe(true);

    const result = await inside([remount], { cwd: ws });
    expect(result.status).toBe("failed");
    expect(result.stderr.text).toMatch(/permission denied|must be superuser|not permitted/i);
  });
});
