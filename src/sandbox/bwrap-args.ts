import { join } from "node:path";
import { EnvironmentError } from "../core/index.ts";
import { prlimitPrefix } from "./limits.ts";
import type { CommandPlan } from "./plan.ts";

/** The sandbox cannot run this command as planned; the message says why in words a model can act on. */
export class SandboxError extends EnvironmentError {
  constructor(message: string) {
    super("SANDBOX_ERROR", message);
  }
}

/** What the argv builder needs to know about the host; injected so the builder stays pure. */
export interface HostInfo {
  prlimit: string;
  /** The real path of an existing file or folder (symlinks resolved), or undefined when it does not exist. */
  realpath(path: string): string | undefined;
  isDirectory(path: string): boolean;
  readText(path: string): string | undefined;
  /** tollgate's own folders (keys, config, project state): hidden even when a read path covers them. */
  hidden: readonly string[];
  /** argv[0] of each segment -> the private, already hashed copy that is mounted over it. */
  staged: Readonly<Record<string, string>>;
  /** Descriptor inside bwrap that receives its JSON status. */
  statusFd: number;
}

/** Host system folders mounted read-only when they exist (merged-/usr symlinks included). */
export const SYSTEM_PATHS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] as const;

/**
 * The pieces of /etc programs need to run (users, name resolution, TLS roots,
 * the dynamic linker, alternatives, time zone); never /etc whole.
 */
const ETC_PATHS = [
  "/etc/alternatives",
  "/etc/ca-certificates",
  "/etc/crypto-policies",
  "/etc/group",
  "/etc/host.conf",
  "/etc/hosts",
  "/etc/ld.so.cache",
  "/etc/ld.so.conf",
  "/etc/ld.so.conf.d",
  "/etc/localtime",
  "/etc/nsswitch.conf",
  "/etc/passwd",
  "/etc/pki",
  "/etc/protocols",
  "/etc/resolv.conf",
  "/etc/services",
  "/etc/ssl",
] as const;

/** Inside every writable git directory: a writable hook or config is code run outside the sandbox. */
const GIT_PROTECTED = ["hooks", "config"] as const;

/**
 * Every namespace (the network one unless the command may use the host's), a
 * new session (no TIOCSTI into the caller's terminal), no orphan, no
 * capability: what every sandbox of tollgate's has, the doctor's probe too.
 */
export function isolationArgs(network: CommandPlan["network"]): string[] {
  return [
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-cgroup",
    ...(network === "deny" ? ["--unshare-net"] : []),
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
  ];
}

/**
 * The bubblewrap arguments (after `bwrap`) of every segment of a command, in
 * mount order: later mounts shadow earlier ones, so scratch tmpfs first, then
 * read-only system paths, read-only cwd and read paths, writable paths (parents
 * before children), then the re-protections (.git hooks and config read-only,
 * staged executables, tollgate's own folders hidden).
 */
export function bwrapArgs(plan: CommandPlan, host: HostInfo): string[][] {
  const layout = mountLayout(plan, host);
  const common = [
    ...isolationArgs(plan.network),
    "--hostname",
    "tollgate-sandbox",
    "--clearenv",
    ...Object.keys(plan.env)
      .sort()
      .flatMap((name) => ["--setenv", name, plan.env[name] as string]),
    "--tmpfs",
    "/tmp",
    "--tmpfs",
    "/var/tmp",
    // Nothing in /proc writes to the kernel from here: bwrap leaves /proc/sys
    // writable to a caller mapped to root, and kernel.core_pattern is host root.
    "--proc",
    "/proc",
    "--remount-ro",
    "/proc",
    "--dev",
    "/dev",
    ...SYSTEM_PATHS.flatMap((path) => ["--ro-bind-try", path, path]),
    ...ETC_PATHS.flatMap((path) => ["--ro-bind-try", path, path]),
    ...layout.readOnly.flatMap((path) => ["--ro-bind", path, path]),
    ...layout.writable.flatMap((path) => ["--bind", path, path]),
    ...layout.protectedGit.flatMap((path) => ["--ro-bind", path, path]),
  ];
  return plan.segments.map((argv) => {
    const executable = argv[0] as string;
    const real = host.realpath(executable);
    const staged = host.staged[executable];
    if (real === undefined || staged === undefined) throw new SandboxError(`executable ${executable} does not exist`);
    return [
      ...common,
      "--ro-bind",
      staged,
      real,
      ...layout.hidden.flatMap((path) => ["--tmpfs", path]),
      "--chdir",
      plan.cwd,
      "--json-status-fd",
      String(host.statusFd),
      "--",
      ...prlimitPrefix(host.prlimit, plan.limits),
      ...argv,
    ];
  });
}

interface MountLayout {
  readOnly: string[];
  writable: string[];
  protectedGit: string[];
  hidden: string[];
}

function mountLayout(plan: CommandPlan, host: HostInfo): MountLayout {
  const writeRoots = plan.writePaths;
  const readRoots = [plan.cwd, ...plan.readPaths, ...writeRoots];
  const cwd = resolveBind(plan.cwd, "cwd", readRoots, host);
  if (cwd === undefined) throw new SandboxError(`cwd ${plan.cwd} does not exist`);
  if (!host.isDirectory(cwd)) throw new SandboxError(`cwd ${plan.cwd} is not a folder`);
  const readOnly = [cwd];
  for (const path of plan.readPaths) {
    // A read path that does not exist has nothing to show: it is left out.
    const real = resolveBind(path, "read path", readRoots, host);
    if (real !== undefined) readOnly.push(real);
  }
  const writable: string[] = [];
  for (const path of writeRoots) {
    const real = resolveBind(path, "write path", writeRoots, host);
    if (real === undefined) throw new SandboxError(`write path ${path} does not exist`);
    writable.push(real);
  }
  const sortedWritable = sortedUnique(writable);
  const bound = [...readOnly, ...sortedWritable];
  return {
    readOnly: sortedUnique(readOnly),
    writable: sortedWritable,
    protectedGit: sortedUnique(sortedWritable.flatMap((root) => gitProtections(root, sortedWritable, host))),
    hidden: sortedUnique(
      host.hidden
        .map((path) => host.realpath(path))
        .filter((real): real is string => real !== undefined)
        .filter((real) => bound.some((path) => within(real, path) || within(path, real))),
    ),
  };
}

/**
 * The real path of a bind source, which must still lie inside one of the
 * plan's allowed roots: a symlink never widens what the sandbox sees.
 */
function resolveBind(path: string, what: string, roots: readonly string[], host: HostInfo): string | undefined {
  const real = host.realpath(path);
  if (real === undefined) return undefined;
  if (!roots.some((root) => within(real, root))) {
    throw new SandboxError(
      `${what} ${path} resolves to ${real}, outside the paths the contract allows: name the real path in the contract`,
    );
  }
  return real;
}

/** Real paths of the hooks and config of the git directory of a writable root, where they are writable. */
function gitProtections(root: string, writable: readonly string[], host: HostInfo): string[] {
  const gitDir = gitDirOf(root, host);
  if (gitDir === undefined) return [];
  return GIT_PROTECTED.flatMap((name) => {
    const path = join(gitDir, name);
    const real = host.realpath(path);
    if (real === undefined) {
      throw new SandboxError(`${path} does not exist, so the sandbox cannot keep it read-only`);
    }
    return writable.some((dir) => within(real, dir)) ? [real] : [];
  });
}

/** `.git` as a folder, or the folder a `.git` file (worktree, submodule) points to. */
function gitDirOf(root: string, host: HostInfo): string | undefined {
  const dotGit = join(root, ".git");
  const real = host.realpath(dotGit);
  if (real === undefined) return undefined;
  if (host.isDirectory(real)) return real;
  const pointer = /^gitdir:\s*(.+)$/m.exec(host.readText(real) ?? "")?.[1]?.trim();
  if (pointer === undefined) return undefined;
  return host.realpath(pointer.startsWith("/") ? pointer : join(root, pointer));
}

export function within(path: string, root: string): boolean {
  return root === "/" || path === root || path.startsWith(`${root}/`);
}

function sortedUnique(paths: readonly string[]): string[] {
  // Plain string order puts every parent before its children ("/a" < "/a/b").
  return [...new Set(paths)].sort();
}
