/**
 * Items 6 and 7 of "Where the reference runner is weak" (shared CSC README),
 * shown through the CLI as a user meets them. Items 1-4 are named in
 * test/sandbox/{loading,evaluate,paths}.test.ts, item 5 in
 * test/sandbox/adversarial/paths.test.ts.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ExecutionReceiptSchema } from "../../src/receipts/index.ts";
import { runTollgate, tempDir } from "../helpers.ts";

let home: string;
let work: string;

function tollgate(args: string[]) {
  return runTollgate(args, { cwd: work, env: { HOME: home, XDG_CONFIG_HOME: join(home, ".config") } });
}

function newKey(name: string): { kid: string; jwk: { kty: string; crv: string; x: string } } {
  const made = tollgate(["keys", "generate", "--name", name, "--json"]);
  expect(made.code).toBe(0);
  const { kid, jwk } = JSON.parse(made.stdout);
  return { kid, jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } };
}

function command(id: string, argv: string[]) {
  return {
    id,
    exec: { argv },
    cwd: work,
    read_paths: [`${work}/**`],
    write_paths: [],
    network: "deny",
    env_allow: [],
    secret_refs: [],
    timeout_sec: 30,
    proposed_effect_type: "observe",
  };
}

function write(commands: unknown[], approvalMode: string, approvers: unknown[] = []) {
  const contract = join(work, "contract.json");
  writeFileSync(
    contract,
    JSON.stringify({
      version: "csc.v0.1",
      contract_id: "weakness-0001",
      intent: "show what the reference runner gets wrong",
      actor: { agent_id: "a", session_id: "s", initiating_user: "u", delegation_scope: "repo" },
      commands,
      risk_class: "low",
      approval_mode: approvalMode,
      justification: "tests",
    }),
  );
  const policy = join(work, "policy.yaml");
  writeFileSync(
    policy,
    JSON.stringify({
      policy_schema_version: "csc.policy.v0.1",
      name: "weakness",
      allow_commands: ["head", "printf"],
      allowed_effect_types: ["observe"],
      allowed_risk_classes: ["low"],
      max_timeout_sec: 60,
      network: "deny",
      allow_secret_refs: false,
      allowed_cwd_prefixes: [work],
      allowed_read_prefixes: [work],
      tollgate: { trusted_approvers: approvers },
    }),
  );
  return { contract, policy };
}

/** Signs a single-execution approval of the contract, valid for an hour, into `out`. */
function approve(contract: string, who: string, kid: string, out: string): void {
  const args = ["approve", contract, "--approver", who, "--key", kid, "--expires", "1h"];
  const made = tollgate([...args, "--scope", "single_execution", "--out", out]);
  expect(made.code).toBe(0);
}

function execLocal(files: { contract: string; policy: string }, approvals: string[], extra: string[] = []) {
  const withApprovals = approvals.flatMap((approval) => ["--approval", approval]);
  return tollgate(["exec", files.contract, "--policy", files.policy, "--mode", "local", ...withApprovals, ...extra]);
}

beforeEach(() => {
  home = tempDir("tollgate-home-");
  work = tempDir("tollgate-weak-");
  mkdirSync(join(work, "out"));
});

describe("weakness 6: receipts", () => {
  test("a signed receipt validates against the CSC schema and hashes every command's whole output", async () => {
    const { kid } = newKey("runner");
    const eleven = 11 * 1024 * 1024;
    const files = write(
      [command("big", ["head", "-c", String(eleven), "/dev/zero"]), command("small", ["printf", "two"])],
      "policy_only",
    );
    const receiptFile = join(work, "r.jws");
    const run = tollgate([
      "exec",
      files.contract,
      "--policy",
      files.policy,
      "--mode",
      "local",
      "--key",
      kid,
      "--receipt-out",
      receiptFile,
    ]);
    expect(run.code).toBe(0);
    const verified = tollgate([
      "receipt",
      "verify",
      receiptFile,
      "--key",
      kid,
      "--contract",
      files.contract,
      "--policy",
      files.policy,
      "--json",
    ]);
    expect(verified.code).toBe(0);
    const { receipt, extension } = JSON.parse(verified.stdout);
    // The payload is a plain CSC receipt: the strict CSC schema accepts it as it is.
    expect(v.parse(ExecutionReceiptSchema, receipt)).toEqual(receipt);
    const sha = (data: string | Uint8Array) => `sha256:${createHash("sha256").update(data).digest("hex")}`;
    expect(extension.commands).toHaveLength(2);
    const [big, small] = extension.commands;
    // The capture stops at 10 MiB, the hash does not.
    expect(big.stdout).toMatchObject({ sha256: sha(new Uint8Array(eleven)), total_bytes: eleven, truncated: true });
    expect(small.stdout).toMatchObject({ sha256: sha("two"), total_bytes: 3, truncated: false });
    expect(readFileSync(receiptFile, "utf8").split(".")).toHaveLength(3);
  });

  test("the receipt names the approval that was used", () => {
    const approver = newKey("alice");
    const files = write([command("c", ["printf", "ok"])], "human_required", [{ identity: "alice", jwk: approver.jwk }]);
    const approval = join(work, "approval.jws");
    approve(files.contract, "alice", approver.kid, approval);
    const run = execLocal(files, [approval], ["--json"]);
    expect(run.code).toBe(0);
    const approvalId = JSON.parse(
      Buffer.from(readFileSync(approval, "utf8").split(".")[1] as string, "base64url").toString(),
    ).approval_id;
    expect(JSON.parse(run.stdout).tollgate.approval_ids).toEqual([approvalId]);
  });
});

describe("weakness 7: approvals", () => {
  test("an approval is a signature: an edited one is refused", () => {
    const approver = newKey("alice");
    const files = write([command("c", ["printf", "ok"])], "human_required", [{ identity: "alice", jwk: approver.jwk }]);
    const approval = join(work, "approval.jws");
    approve(files.contract, "alice", approver.kid, approval);
    const [header, payload, signature] = readFileSync(approval, "utf8").trim().split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
    claims.expires_at = "2099-01-01T00:00:00.000Z";
    writeFileSync(approval, `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}\n`);
    const run = execLocal(files, [approval]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("needs approval");
  });

  test("dual control: one approver twice is not two approvers; two distinct ones are", () => {
    const alice = newKey("alice");
    const bob = newKey("bob");
    const files = write([command("c", ["printf", "ok"])], "dual_control_required", [
      { identity: "alice", jwk: alice.jwk },
      { identity: "bob", jwk: bob.jwk },
    ]);
    const [a1, a2, b1] = ["a1.jws", "a2.jws", "b1.jws"].map((name) => join(work, name)) as [string, string, string];
    approve(files.contract, "alice", alice.kid, a1);
    approve(files.contract, "alice", alice.kid, a2);
    approve(files.contract, "bob", bob.kid, b1);
    expect(execLocal(files, [a1, a2]).code).toBe(3);
    expect(execLocal(files, [a1, b1]).code).toBe(0);
  });

  test("a single-execution approval works once, and a new process refuses it again", () => {
    const alice = newKey("alice");
    const files = write([command("c", ["printf", "ok"])], "human_required", [{ identity: "alice", jwk: alice.jwk }]);
    const approval = join(work, "approval.jws");
    approve(files.contract, "alice", alice.kid, approval);
    expect(execLocal(files, [approval]).code).toBe(0);
    const replay = execLocal(files, [approval]);
    expect(replay.code).toBe(3);
    expect(replay.stderr).toMatch(/already been used|replay/i);
  });
});
