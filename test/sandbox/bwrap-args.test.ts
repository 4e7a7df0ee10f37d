import { describe, expect, test } from "bun:test";
import { bwrapArgs, SandboxError } from "../../src/sandbox/bwrap-args.ts";
import { fakeHost, plan } from "../fixtures/sandbox/plans.ts";

/** Index of the mount whose destination is `dest` (the argument after the source). */
function mountIndex(args: string[], option: string, dest: string): number {
  const index = args.findIndex((arg, i) => arg === option && args[i + (option === "--tmpfs" ? 1 : 2)] === dest);
  expect(index).toBeGreaterThan(-1);
  return index;
}

const ws = { "/ws": { dir: true }, "/ws/out": { dir: true }, "/ws/out/deep": { dir: true }, "/ws/docs": { dir: true } };

describe("bwrapArgs", () => {
  test("namespaces, session, capabilities and environment come first; the command last, under prlimit", () => {
    const [args] = bwrapArgs(plan([["/usr/bin/true", "a b"]], { cwd: "/ws", env: { B: "2", A: "1" } }), fakeHost(ws));
    expect(args?.slice(0, 13)).toEqual([
      "--unshare-user",
      "--unshare-pid",
      "--unshare-ipc",
      "--unshare-uts",
      "--unshare-cgroup",
      "--unshare-net",
      "--die-with-parent",
      "--new-session",
      "--cap-drop",
      "ALL",
      "--hostname",
      "tollgate-sandbox",
      "--clearenv",
    ]);
    expect(args?.slice(13, 19)).toEqual(["--setenv", "A", "1", "--setenv", "B", "2"]);
    const separator = args?.indexOf("--") ?? -1;
    expect(args?.slice(separator)).toEqual([
      "--",
      "/usr/bin/prlimit",
      "--cpu=10",
      `--as=${1024 ** 3}`,
      "--nofile=256",
      "--nproc=256",
      `--fsize=${64 * 1024 ** 2}`,
      "--",
      "/usr/bin/true",
      "a b",
    ]);
    expect(args?.slice(separator - 4, separator)).toEqual(["--chdir", "/ws", "--json-status-fd", "4"]);
  });

  test("network full shares the host network; deny unshares it", () => {
    const [full] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", network: "full" }), fakeHost(ws));
    expect(full).not.toContain("--unshare-net");
  });

  test("mount order: scratch tmpfs, /proc, /dev, system, read-only, writable parents before children", () => {
    const [args = []] = bwrapArgs(
      plan([["/usr/bin/true"]], { cwd: "/ws", readPaths: ["/ws/docs"], writePaths: ["/ws/out/deep", "/ws/out"] }),
      fakeHost(ws),
    );
    const tmp = mountIndex(args, "--tmpfs", "/tmp");
    const proc = args.indexOf("--proc");
    const dev = args.indexOf("--dev");
    const usr = mountIndex(args, "--ro-bind-try", "/usr");
    const cwd = mountIndex(args, "--ro-bind", "/ws");
    const docs = mountIndex(args, "--ro-bind", "/ws/docs");
    const out = mountIndex(args, "--bind", "/ws/out");
    const deep = mountIndex(args, "--bind", "/ws/out/deep");
    const order = [tmp, proc, dev, usr, cwd, docs, out, deep];
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(args).not.toContain("/etc/shadow");
    expect(args.filter((arg) => arg === "/etc")).toEqual([]);
  });

  test(".git hooks and config of a writable repository are re-bound read-only after the writable bind", () => {
    const host = fakeHost({
      ...ws,
      "/ws/.git": { dir: true },
      "/ws/.git/hooks": { dir: true },
      "/ws/.git/config": { dir: false },
    });
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", writePaths: ["/ws"] }), host);
    const rw = mountIndex(args, "--bind", "/ws");
    expect(mountIndex(args, "--ro-bind", "/ws/.git/hooks")).toBeGreaterThan(rw);
    expect(mountIndex(args, "--ro-bind", "/ws/.git/config")).toBeGreaterThan(rw);
  });

  test("a .git/hooks that is a symlink to a folder protects the folder it points to", () => {
    const host = fakeHost({
      ...ws,
      "/ws/.git": { dir: true },
      "/ws/.git/hooks": { real: "/ws/shared-hooks" },
      "/ws/.git/config": { dir: false },
    });
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", writePaths: ["/ws"] }), host);
    expect(mountIndex(args, "--ro-bind", "/ws/shared-hooks")).toBeGreaterThan(mountIndex(args, "--bind", "/ws"));
  });

  test("a worktree's .git file leads to its git directory", () => {
    const host = fakeHost({
      ...ws,
      "/ws/.git": { dir: false, text: "gitdir: /ws/out/repo.git\n" },
      "/ws/out/repo.git": { dir: true },
      "/ws/out/repo.git/hooks": { dir: true },
      "/ws/out/repo.git/config": { dir: false },
    });
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", writePaths: ["/ws"] }), host);
    expect(args).toContain("/ws/out/repo.git/hooks");
    expect(args).toContain("/ws/out/repo.git/config");
  });

  test("tollgate's own folders are hidden last, even under a read path", () => {
    const host = fakeHost(
      { ...ws, "/ws/.tollgate": { dir: true }, "/home/u/.config/tollgate": { dir: true } },
      { hidden: ["/ws/.tollgate", "/home/u/.config/tollgate"] },
    );
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", writePaths: ["/ws/out"] }), host);
    const hidden = mountIndex(args, "--tmpfs", "/ws/.tollgate");
    expect(hidden).toBeGreaterThan(mountIndex(args, "--bind", "/ws/out"));
    // Not under any bound path: nothing to hide, nothing created.
    expect(args).not.toContain("/home/u/.config/tollgate");
  });

  test("the executable is the staged copy, mounted over its real path", () => {
    const host = fakeHost({ ...ws, "/usr/bin/true": { real: "/usr/lib/true-real" } });
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws" }), host);
    expect(mountIndex(args, "--ro-bind", "/usr/lib/true-real")).toBeGreaterThan(mountIndex(args, "--ro-bind", "/ws"));
    expect(args[mountIndex(args, "--ro-bind", "/usr/lib/true-real") + 1]).toBe("/staging/abc");
  });

  test("one argv per pipeline segment", () => {
    const host = fakeHost(ws, { staged: { "/usr/bin/true": "/s/1", "/usr/bin/cat": "/s/2" } });
    const args = bwrapArgs(plan([["/usr/bin/true"], ["/usr/bin/cat"]], { cwd: "/ws" }), host);
    expect(args.map((argv) => argv.at(-1))).toEqual(["/usr/bin/true", "/usr/bin/cat"]);
  });

  describe("realpath re-check: a symlink never widens the scope", () => {
    const cases: [string, Partial<Parameters<typeof plan>[1]>, Record<string, { real?: string; dir?: boolean }>][] = [
      ["a write path", { writePaths: ["/ws/out"] }, { "/ws/out": { real: "/home/u/.ssh" } }],
      ["a read path", { readPaths: ["/ws/docs"] }, { "/ws/docs": { real: "/root" } }],
      ["the cwd", {}, { "/ws": { real: "/etc" } }],
      [
        "a write path inside another root",
        { readPaths: ["/ws"], writePaths: ["/ws/out"] },
        { "/ws/out": { real: "/ws/docs" } },
      ],
    ];
    for (const [what, overrides, links] of cases) {
      test(`${what} resolving outside is refused with a sandbox error naming it`, () => {
        const host = fakeHost({ ...ws, ...links });
        const build = () => bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", ...overrides }), host);
        expect(build).toThrow(SandboxError);
        expect(build).toThrow(/resolves to .* outside the paths the contract allows/);
      });
    }

    test("a symlink that stays inside the allowed roots is followed", () => {
      const host = fakeHost({ ...ws, "/ws/link": { real: "/ws/docs" } });
      const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", readPaths: ["/ws/link"] }), host);
      expect(mountIndex(args, "--ro-bind", "/ws/docs")).toBeGreaterThan(0);
    });
  });

  test("a missing read path is left out; a missing write path or cwd is refused", () => {
    const [args = []] = bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", readPaths: ["/ws/none"] }), fakeHost(ws));
    expect(args).not.toContain("/ws/none");
    expect(() => bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/ws", writePaths: ["/ws/none"] }), fakeHost(ws))).toThrow(
      /write path \/ws\/none does not exist/,
    );
    expect(() => bwrapArgs(plan([["/usr/bin/true"]], { cwd: "/nowhere" }), fakeHost(ws))).toThrow(/cwd \/nowhere/);
  });
});
