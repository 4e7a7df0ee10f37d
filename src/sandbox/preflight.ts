import { accessSync, constants, readFileSync } from "node:fs";
import { runProcess } from "../core/index.ts";
import { isolationArgs, SYSTEM_PATHS } from "./bwrap-args.ts";

const TOOL_DIRS = ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"];

/** An executable from the system folders, never from PATH: what runs must not depend on the caller's PATH. */
export function findTool(name: string, dirs: readonly string[] = TOOL_DIRS): string | undefined {
  for (const dir of dirs) {
    const path = `${dir}/${name}`;
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Where the preflight looks; every input injectable so each failure branch can be tested. */
export interface PreflightInputs {
  bwrap?: string | undefined;
  prlimit?: string | undefined;
  maxUserNamespaces?: string;
  unprivilegedUsernsClone?: string;
  apparmorRestrictUserns?: string;
  /** The caller's uid: root may create user namespaces even where unprivileged users may not. */
  uid?: number | undefined;
  /** Start a test sandbox (default). The executor skips it: its real launch fails closed the same way. */
  probe?: boolean;
}

export type PreflightResult = { ok: true; bwrap: string; prlimit: string } | { ok: false; reason: string; fix: string };

export const PROC = {
  maxUserNamespaces: "/proc/sys/user/max_user_namespaces",
  unprivilegedUsernsClone: "/proc/sys/kernel/unprivileged_userns_clone",
  apparmorRestrictUserns: "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
} as const;

const APPARMOR_FIX =
  "allow bubblewrap to create user namespaces: install an AppArmor profile for bwrap (Ubuntu 24.04: the `bwrap-userns-restrict` profile from the apparmor package, or a profile with `userns,` for /usr/bin/bwrap), or set kernel.apparmor_restrict_unprivileged_userns=0";

/**
 * Can hardened mode run here? Fails closed: anything short of a tiny sandbox
 * actually starting is a failure with a reason and a fix.
 */
export async function hardenedPreflight(inputs: PreflightInputs = {}): Promise<PreflightResult> {
  const bwrap = "bwrap" in inputs ? inputs.bwrap : findTool("bwrap");
  if (bwrap === undefined) {
    return {
      ok: false,
      reason: "bubblewrap (bwrap) is not installed",
      fix: "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap), or run with --mode local",
    };
  }
  const prlimit = "prlimit" in inputs ? inputs.prlimit : findTool("prlimit");
  if (prlimit === undefined) {
    return {
      ok: false,
      reason: "prlimit is not installed, so resource limits cannot be applied",
      fix: "install util-linux (apt-get install util-linux)",
    };
  }
  const maxNamespaces = inputs.maxUserNamespaces ?? readProc(PROC.maxUserNamespaces);
  if (maxNamespaces?.trim() === "0") {
    return {
      ok: false,
      reason: "user namespaces are disabled (user.max_user_namespaces = 0)",
      fix: "enable them: sysctl -w user.max_user_namespaces=15000 (and persist it in /etc/sysctl.d)",
    };
  }
  const clone = inputs.unprivilegedUsernsClone ?? readProc(PROC.unprivilegedUsernsClone);
  const uid = "uid" in inputs ? inputs.uid : process.getuid?.();
  if (clone?.trim() === "0" && uid !== 0) {
    return {
      ok: false,
      reason: "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)",
      fix: "enable them: sysctl -w kernel.unprivileged_userns_clone=1 (and persist it in /etc/sysctl.d)",
    };
  }
  if (inputs.probe === false) return { ok: true, bwrap, prlimit };
  const probe = await probeBwrap(bwrap);
  if (probe.ok) return { ok: true, bwrap, prlimit };
  const restricted = (inputs.apparmorRestrictUserns ?? readProc(PROC.apparmorRestrictUserns))?.trim() === "1";
  return { ok: false, ...explainProbeFailure(probe.stderr, restricted) };
}

/** Runs the smallest sandbox tollgate would build: the same namespaces, only the system folders mounted. */
export async function probeBwrap(bwrap: string): Promise<{ ok: boolean; stderr: string }> {
  try {
    const result = await runProcess(
      [
        bwrap,
        ...isolationArgs("deny"),
        ...SYSTEM_PATHS.flatMap((path) => ["--ro-bind-try", path, path]),
        "--",
        "/usr/bin/true",
      ],
      { env: {}, timeoutMs: 10_000, maxStdoutBytes: 4096, maxStderrBytes: 4096 },
    );
    return { ok: result.exitCode === 0, stderr: result.stderr.text.trim() };
  } catch (error) {
    return { ok: false, stderr: error instanceof Error ? error.message : String(error) };
  }
}

/** bwrap's own words, mapped to the cause a user can fix. */
export function explainProbeFailure(stderr: string, apparmorRestricts: boolean): { reason: string; fix: string } {
  const said = stderr || "no message";
  if (
    /setting up uid map: Permission denied/i.test(stderr) ||
    (apparmorRestricts && /Permission denied/.test(stderr))
  ) {
    return { reason: `AppArmor blocks user namespaces for bwrap (bwrap said: ${said})`, fix: APPARMOR_FIX };
  }
  if (/Creating new namespace failed|No permissions to create new namespace/i.test(stderr)) {
    return {
      reason: `this machine does not let bwrap create namespaces; likely an unprivileged container (bwrap said: ${said})`,
      fix: "run tollgate on the host or in a container allowed to create user namespaces (Docker: --security-opt seccomp=unconfined --security-opt apparmor=unconfined, or a privileged CI runner), or use --mode local",
    };
  }
  return {
    reason: `bwrap could not start a test sandbox (bwrap said: ${said})`,
    fix: "run `bwrap --unshare-user --ro-bind /usr /usr /usr/bin/true` to see the failure, or use --mode local",
  };
}

export function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
