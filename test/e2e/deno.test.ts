/**
 * The runtime seam holds: the portable commands run from source under Deno 2.
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../../src/core/errors.ts";
import { PROJECT_ROOT, SOURCE_MAIN, tempDir } from "../helpers.ts";

const DENO = join(PROJECT_ROOT, "node_modules", ".bin", "deno");
const denoDir = tempDir("tollgate-deno-");

function runUnderDeno(args: string[]) {
  const home = tempDir("tollgate-home-");
  const result = spawnSync(DENO, ["run", "-A", SOURCE_MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      XDG_CONFIG_HOME: join(home, ".config"),
      XDG_CACHE_HOME: join(home, ".cache"),
      DENO_DIR: denoDir,
      NO_COLOR: "1",
    },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("under Deno 2", () => {
  test("--version names the deno runtime", () => {
    const result = runUnderDeno(["--version", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ runtime: "deno", compiled: false });
  });

  test("--help lists the commands", () => {
    const result = runUnderDeno(["--help"]);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stdout).toContain("doctor");
  });

  test("doctor runs its checks", () => {
    const result = runUnderDeno(["doctor", "--json"]);
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout).ok).toBe(true);
  });

  test("crash list works on an empty store", () => {
    const result = runUnderDeno(["crash", "list", "--json"]);
    expect(result.code).toBe(ExitCode.ok);
  });

  test("a usage error keeps its exit code", () => {
    expect(runUnderDeno(["doctor", "--nope"]).code).toBe(ExitCode.usage);
  });

  test("exec runs a pipeline in local mode and hashes the last segment's whole output", () => {
    const work = tempDir("tollgate-deno-exec-");
    const contract = join(work, "contract.json");
    const policy = join(work, "policy.yaml");
    const pipeline = { segments: [{ argv: ["printf", "a\\nb\\n"] }, { argv: ["tr", "a-z", "A-Z"] }] };
    const command = { id: "upper", pipeline, cwd: work, read_paths: [], write_paths: [], network: "deny" };
    writeFileSync(
      contract,
      JSON.stringify({
        version: "csc.v0.1",
        contract_id: "deno-pipeline-0001",
        intent: "pipeline under Deno",
        actor: { agent_id: "a", session_id: "s", initiating_user: "u", delegation_scope: "d" },
        commands: [{ ...command, env_allow: [], secret_refs: [], timeout_sec: 10, proposed_effect_type: "observe" }],
        risk_class: "low",
        approval_mode: "policy_only",
        justification: "test",
      }),
    );
    writeFileSync(
      policy,
      [
        "policy_schema_version: csc.policy.v0.1",
        "name: deno",
        "allow_commands: [printf, tr]",
        "allowed_effect_types: [observe]",
        "allowed_risk_classes: [low]",
        "max_timeout_sec: 60",
        "network: deny",
        "allow_secret_refs: false",
        `allowed_cwd_prefixes: [${work}]`,
        `allowed_read_prefixes: [${work}]`,
      ].join("\n"),
    );
    const result = runUnderDeno(["exec", contract, "--policy", policy, "--mode", "local", "--json"]);
    expect(result.code).toBe(ExitCode.ok);
    const upper = createHash("sha256").update("A\nB\n").digest("hex");
    expect(JSON.parse(result.stdout).receipt).toMatchObject({ status: "success", stdout_hash: `sha256:${upper}` });
  });
});
