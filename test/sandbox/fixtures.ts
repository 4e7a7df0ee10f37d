/** Contracts, policies and a fake file system for the policy tests. */
import { join } from "node:path";
import type { CommandContract, EvaluateOptions, FileSystemView, Policy } from "../../src/sandbox/index.ts";
import { normalisePath, parseContract, parsePolicy } from "../../src/sandbox/index.ts";
import { PROJECT_ROOT } from "../helpers.ts";

/** The CSC data, copied into the project (SHA256SUMS beside it records the upstream digests). */
export const CSC_DIR = join(PROJECT_ROOT, "test", "fixtures", "csc");

type Command = CommandContract["commands"][number];

export function command(overrides: Partial<Command> = {}): Command {
  return {
    id: "cmd_1",
    exec: { argv: ["git", "status"] },
    cwd: "/workspace/repo",
    read_paths: ["/workspace/repo/**"],
    write_paths: [],
    network: "deny",
    env_allow: [],
    secret_refs: [],
    timeout_sec: 10,
    proposed_effect_type: "observe",
    ...overrides,
  };
}

/** A contract that passes `policy()`, as a plain (unvalidated) object to edit. */
export function contractInput(commands: Command[] = [command()], overrides: Record<string, unknown> = {}) {
  return {
    version: "csc.v0.1",
    contract_id: "contract-test-0001",
    intent: "inspect the repository",
    actor: { agent_id: "agent-1", session_id: "sess-1", initiating_user: "user-1", delegation_scope: "repo" },
    commands,
    risk_class: "low",
    approval_mode: "policy_only",
    justification: "tests",
    ...overrides,
  };
}

export function contract(commands: Command[] = [command()], overrides: Record<string, unknown> = {}): CommandContract {
  return parseContract(contractInput(commands, overrides));
}

export function policyInput(overrides: Record<string, unknown> = {}) {
  return {
    policy_schema_version: "csc.policy.v0.1",
    name: "test-policy",
    allow_commands: ["git", "cat", "grep", "python3", "node", "sh", "bash", "env", "timeout", "xargs", "jq", "curl"],
    deny_argv_prefixes: [["git", "push"]],
    allowed_effect_types: ["observe", "transform_local"],
    allowed_risk_classes: ["low", "medium"],
    max_timeout_sec: 60,
    network: "full",
    allow_secret_refs: false,
    allowed_cwd_prefixes: ["/workspace"],
    allowed_read_prefixes: ["/workspace"],
    allowed_write_prefixes: ["/workspace/out"],
    ...overrides,
  };
}

export function policy(overrides: Record<string, unknown> = {}): Policy {
  return parsePolicy(policyInput(overrides));
}

/**
 * Bare names live in /usr/bin (except names starting with "no-such"); an
 * absolute argv[0] is itself; `links` maps a path prefix to where it really leads.
 */
export function fakeFs(links: Record<string, string> = {}): FileSystemView {
  const realPath = (path: string) => {
    for (const [from, to] of Object.entries(links)) {
      if (path === from || path.startsWith(`${from}/`)) return to + path.slice(from.length);
    }
    return path;
  };
  return {
    findExecutable(arg0) {
      if (arg0.startsWith("no-such")) return undefined;
      const location = arg0.startsWith("/") ? normalisePath(arg0) : `/usr/bin/${arg0}`;
      return { location, file: realPath(location) };
    },
    realPath,
  };
}

export const NOW = new Date("2026-01-02T03:04:05.000Z");

export function options(overrides: Partial<EvaluateOptions> = {}): EvaluateOptions {
  return {
    fs: fakeFs(),
    searchPath: "/usr/bin:/bin",
    env: { CI: "true", HOME: "/home/u", SECRET_TOKEN: "canary-1f2e3d" },
    protectedPaths: ["/home/u/.config/tollgate"],
    now: NOW,
    ...overrides,
  };
}
