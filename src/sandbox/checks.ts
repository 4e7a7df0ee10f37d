import type { DoctorCheck } from "../core/index.ts";
import { runProcess } from "../core/index.ts";
import { explainProbeFailure, findTool, PROC, type PreflightInputs, probeBwrap, readProc } from "./preflight.ts";

const section = "sandbox";

/**
 * The doctor's "sandbox" section: bubblewrap and its version, user
 * namespaces, the AppArmor restriction, prlimit, and a real probe sandbox.
 */
export async function sandboxChecks(
  inputs: PreflightInputs = {},
  platform: NodeJS.Platform = process.platform,
): Promise<DoctorCheck[]> {
  // Elsewhere hardened mode does not exist, by design: not a fault of this machine to fix.
  if (platform !== "linux") {
    return [
      {
        section,
        name: "hardened mode",
        status: "warn",
        detail: `needs Linux and bubblewrap; on ${platform} only \`tollgate exec --mode local\` runs (limits and checks, no isolation)`,
        fix: "run agents' commands on a Linux host (or VM) to have them sandboxed",
      },
    ];
  }
  const bwrap = "bwrap" in inputs ? inputs.bwrap : findTool("bwrap");
  const prlimit = "prlimit" in inputs ? inputs.prlimit : findTool("prlimit");
  const maxNamespaces = inputs.maxUserNamespaces ?? readProc(PROC.maxUserNamespaces);
  const restrict = inputs.apparmorRestrictUserns ?? readProc(PROC.apparmorRestrictUserns);
  const checks: DoctorCheck[] = [];
  checks.push(
    bwrap === undefined
      ? {
          section,
          name: "bubblewrap",
          status: "fail",
          detail: "bwrap not found: hardened mode cannot run",
          fix: "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap)",
        }
      : { section, name: "bubblewrap", status: "ok", detail: `${bwrap} ${await bwrapVersion(bwrap)}` },
  );
  checks.push(
    prlimit === undefined
      ? {
          section,
          name: "prlimit",
          status: "fail",
          detail: "prlimit not found: resource limits cannot be applied",
          fix: "install util-linux (apt-get install util-linux)",
        }
      : { section, name: "prlimit", status: "ok", detail: prlimit },
  );
  checks.push(
    maxNamespaces?.trim() === "0"
      ? {
          section,
          name: "user namespaces",
          status: "fail",
          detail: "disabled (user.max_user_namespaces = 0)",
          fix: "sysctl -w user.max_user_namespaces=15000 (and persist it in /etc/sysctl.d)",
        }
      : {
          section,
          name: "user namespaces",
          status: "ok",
          detail: maxNamespaces ? `up to ${maxNamespaces.trim()}` : "no limit file",
        },
  );
  checks.push(
    restrict?.trim() === "1"
      ? {
          section,
          name: "AppArmor",
          status: "warn",
          detail:
            "kernel.apparmor_restrict_unprivileged_userns = 1: bwrap needs an AppArmor profile that allows userns",
          fix: "install an AppArmor profile for /usr/bin/bwrap with `userns,` (Ubuntu 24.04: bwrap-userns-restrict), then re-run doctor",
        }
      : { section, name: "AppArmor", status: "ok", detail: "no user namespace restriction" },
  );
  if (bwrap !== undefined) {
    const probe = await probeBwrap(bwrap);
    checks.push(
      probe.ok
        ? { section, name: "probe", status: "ok", detail: "a test sandbox started and exited cleanly" }
        : { section, name: "probe", status: "fail", ...detailAndFix(probe.stderr, restrict?.trim() === "1") },
    );
  }
  return checks;
}

function detailAndFix(stderr: string, restricted: boolean): { detail: string; fix: string } {
  const { reason, fix } = explainProbeFailure(stderr, restricted);
  return { detail: reason, fix };
}

async function bwrapVersion(bwrap: string): Promise<string> {
  try {
    const result = await runProcess([bwrap, "--version"], { env: {}, timeoutMs: 5000, maxStdoutBytes: 1024 });
    return result.stdout.text.trim();
  } catch {
    return "(version unknown)";
  }
}
