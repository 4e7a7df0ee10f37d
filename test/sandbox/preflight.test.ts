import { describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { sandboxChecks } from "../../src/sandbox/checks.ts";
import { hardenedPreflight } from "../../src/sandbox/preflight.ts";
import { PROJECT_ROOT, tempDir } from "../helpers.ts";

/** A bwrap that fails with `message`, as bwrap does on a host that cannot create the sandbox. */
function failingBwrap(message: string): string {
  const dir = tempDir();
  copyFileSync(join(PROJECT_ROOT, "test/fixtures/sandbox/fake-bwrap.sh"), join(dir, "fake-bwrap.sh"));
  writeFileSync(join(dir, "fake-bwrap.message"), message);
  return join(dir, "fake-bwrap.sh");
}

const healthy = { maxUserNamespaces: "15000\n", unprivilegedUsernsClone: "1\n", apparmorRestrictUserns: "0\n" };

describe("hardenedPreflight fails closed, naming the cause and the fix", () => {
  test("bwrap missing", async () => {
    const result = await hardenedPreflight({ ...healthy, bwrap: undefined });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("bubblewrap (bwrap) is not installed") });
    expect(result.ok ? "" : result.fix).toContain("apt-get install bubblewrap");
  });

  test("prlimit missing", async () => {
    const result = await hardenedPreflight({ ...healthy, bwrap: "/usr/bin/bwrap", prlimit: undefined });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringContaining("prlimit"),
      fix: expect.stringContaining("util-linux"),
    });
  });

  test("user namespaces disabled by max_user_namespaces = 0", async () => {
    const result = await hardenedPreflight({ ...healthy, maxUserNamespaces: "0\n" });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("max_user_namespaces = 0") });
  });

  test("unprivileged user namespaces disabled (kernel.unprivileged_userns_clone = 0) for a non-root user", async () => {
    const result = await hardenedPreflight({ ...healthy, unprivilegedUsernsClone: "0\n", uid: 1000 });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("unprivileged_userns_clone = 0") });
    expect(await hardenedPreflight({ ...healthy, unprivilegedUsernsClone: "0\n", uid: 0 })).toMatchObject({ ok: true });
  });

  test("AppArmor restriction: 'setting up uid map: Permission denied'", async () => {
    const bwrap = failingBwrap("setting up uid map: Permission denied");
    const result = await hardenedPreflight({ ...healthy, apparmorRestrictUserns: "1\n", bwrap });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("AppArmor") });
    expect(result.ok ? "" : result.fix).toContain("AppArmor profile");
  });

  test("an unprivileged container: 'Creating new namespace failed'", async () => {
    const bwrap = failingBwrap("Creating new namespace failed: Operation not permitted");
    const result = await hardenedPreflight({ ...healthy, bwrap });
    expect(result).toMatchObject({ ok: false, reason: expect.stringContaining("unprivileged container") });
  });

  test("any other probe failure still fails, quoting bwrap", async () => {
    const bwrap = failingBwrap("something unexpected");
    const result = await hardenedPreflight({ ...healthy, bwrap });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringContaining("bwrap said: bwrap: something unexpected"),
    });
  });

  test("this machine (CI too) passes the real probe: the hardened suites rely on it", async () => {
    expect(await hardenedPreflight()).toMatchObject({ ok: true });
  });
});

describe("sandboxChecks (doctor section 'sandbox')", () => {
  test("off Linux: one warning that hardened mode needs Linux, never a failure (doctor still passes)", async () => {
    for (const platform of ["darwin", "win32"] as const) {
      const checks = await sandboxChecks({ bwrap: undefined, prlimit: undefined }, platform);
      expect(checks).toHaveLength(1);
      expect(checks[0]).toMatchObject({ name: "hardened mode", status: "warn" });
      expect(checks[0]?.detail).toContain(`on ${platform} only \`tollgate exec --mode local\``);
    }
  });

  test("on Linux, a missing bwrap fails: the default mode cannot run", async () => {
    const checks = await sandboxChecks({ bwrap: undefined, prlimit: "/usr/bin/prlimit" }, "linux");
    expect(checks[0]).toMatchObject({ name: "bubblewrap", status: "fail" });
  });

  test("reports version, namespaces, AppArmor and a passing probe on this machine", async () => {
    const checks = await sandboxChecks();
    expect(checks.map((check) => check.name)).toEqual([
      "bubblewrap",
      "prlimit",
      "user namespaces",
      "AppArmor",
      "probe",
    ]);
    expect(checks.every((check) => check.section === "sandbox" && check.status === "ok")).toBe(true);
    expect(checks[0]?.detail).toMatch(/bubblewrap \d+\.\d+/);
  });

  test("every failure carries a fix", async () => {
    const checks = await sandboxChecks({
      bwrap: failingBwrap("setting up uid map: Permission denied"),
      prlimit: undefined,
      maxUserNamespaces: "0",
      apparmorRestrictUserns: "1",
    });
    const bad = checks.filter((check) => check.status !== "ok");
    expect(bad.map((check) => check.name)).toEqual(["prlimit", "user namespaces", "AppArmor", "probe"]);
    for (const check of bad) expect(check.fix).toBeTruthy();
    expect(checks.find((check) => check.name === "probe")?.detail).toContain("AppArmor");
  });

  test("bwrap missing is a failure with an install hint, and no probe runs", async () => {
    const checks = await sandboxChecks({ bwrap: undefined });
    expect(checks[0]).toMatchObject({
      name: "bubblewrap",
      status: "fail",
      fix: expect.stringContaining("install bubblewrap"),
    });
    expect(checks.some((check) => check.name === "probe")).toBe(false);
  });
});
