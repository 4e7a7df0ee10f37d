import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createApproval,
  generateKey,
  type KeyRecord,
  loadSigningKey,
  verifyReceipt,
} from "../../src/receipts/index.ts";
import { execContract } from "../../src/sandbox/exec-command.ts";
import { runTollgate, tempDir } from "../helpers.ts";

const CANARY = "exec-secret-canary-5c0d";
let home: string;
let work: string;
let key: KeyRecord;
const saved = process.env.XDG_CONFIG_HOME;

beforeEach(async () => {
  home = tempDir("tollgate-home-");
  work = tempDir("tollgate-exec-");
  process.env.XDG_CONFIG_HOME = join(home, ".config");
  key = await generateKey(join(home, ".config", "tollgate", "keys"), "team", new Date());
});
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = saved;
});

type Command = Record<string, unknown>;

function command(argv: string[], overrides: Command = {}): Command {
  return {
    id: "c1",
    exec: { argv },
    cwd: work,
    read_paths: [`${work}/**`],
    write_paths: [`${work}/out/**`],
    network: "deny",
    env_allow: [],
    secret_refs: [],
    timeout_sec: 10,
    proposed_effect_type: "transform_local",
    ...overrides,
  };
}

function files(commands: Command[], contract: Command = {}, policy: Command = {}) {
  mkdirSync(join(work, "out"), { recursive: true });
  const contractFile = join(work, "contract.json");
  writeFileSync(
    contractFile,
    JSON.stringify({
      version: "csc.v0.1",
      contract_id: "exec-test-0001",
      intent: "test tollgate exec",
      actor: { agent_id: "a", session_id: "s", initiating_user: "u", delegation_scope: "repo" },
      commands,
      risk_class: "low",
      approval_mode: "policy_only",
      justification: "tests",
      ...contract,
    }),
  );
  const policyFile = join(work, "policy.yaml");
  writeFileSync(
    policyFile,
    JSON.stringify({
      policy_schema_version: "csc.policy.v0.1",
      name: "exec-test",
      allow_commands: ["touch", "false", "printenv", "cat"],
      allowed_effect_types: ["observe", "transform_local"],
      allowed_risk_classes: ["low", "medium"],
      max_timeout_sec: 60,
      network: "deny",
      allow_secret_refs: false,
      allowed_cwd_prefixes: [work],
      allowed_read_prefixes: [work],
      allowed_write_prefixes: [join(work, "out")],
      ...policy,
    }),
  );
  return { contract: contractFile, policy: policyFile };
}

const run = (paths: { contract: string; policy: string }, extra: Partial<Parameters<typeof execContract>[0]> = {}) =>
  execContract({ ...paths, mode: "hardened", approvals: [], key: key.kid, ...extra });

async function verified(path: string) {
  const signer = await loadSigningKey(key.kid);
  return verifyReceipt(readFileSync(path, "utf8").trim(), new Map([[signer.kid, signer.publicKey]]));
}

describe("tollgate exec", () => {
  test("allow + success: exit 0, a signed receipt next to the contract with the hashes used", async () => {
    const paths = files([command(["touch", `${work}/out/made`])]);
    const result = await run(paths);
    expect(result).toMatchObject({ exitCode: 0, status: "success", decision: "allow", signed: true });
    expect(existsSync(join(work, "out", "made"))).toBe(true);
    expect(result.receiptPath).toMatch(new RegExp(`^${work}/exec-test-0001\\.exe_[0-9a-f]{32}\\.receipt\\.jws$`));
    const { receipt, extension } = await verified(result.receiptPath);
    expect(receipt).toMatchObject({ status: "success", exit_code: 0, execution_mode: "hardened" });
    expect(extension.sandbox_profile_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(extension.commands[0]).toMatchObject({ id: "c1", status: "success" });
  });

  test("a failing command: failed receipt, exit 1", async () => {
    const result = await run(files([command(["false"])]));
    expect(result).toMatchObject({ exitCode: 1, status: "failed" });
    expect((await verified(result.receiptPath)).receipt).toMatchObject({ status: "failed", exit_code: 1 });
  });

  test("deny: nothing runs, a blocked receipt, exit 1", async () => {
    const result = await run(files([command(["touch", `${work}/out/made`], { network: "full" })]));
    expect(result).toMatchObject({ exitCode: 1, status: "blocked", decision: "deny" });
    expect(existsSync(join(work, "out", "made"))).toBe(false);
    const { receipt, extension } = await verified(result.receiptPath);
    expect(receipt.error).toContain("denied by policy");
    expect(extension.commands).toEqual([{ id: "c1", status: "not_run" }]);
  });

  test("needs approval: blocked and exit 3 without one; runs with a valid one, which cannot be replayed", async () => {
    const approver = await loadSigningKey(key.kid);
    const trusted = {
      trusted_approvers: [{ identity: "lead@example.com", jwk: { kty: "OKP", crv: "Ed25519", x: key.jwk.x } }],
    };
    const paths = files(
      [command(["touch", `${work}/out/approved`])],
      { approval_mode: "human_required" },
      { tollgate: trusted },
    );
    const blocked = await run(paths);
    expect(blocked).toMatchObject({ exitCode: 3, status: "blocked", decision: "needs_approval" });
    expect(existsSync(join(work, "out", "approved"))).toBe(false);

    const contractSha256 = (await verified(blocked.receiptPath)).receipt.contract_sha256;
    const { jws, approval } = await createApproval(
      {
        contractSha256,
        identity: "lead@example.com",
        scope: "single_execution",
        now: new Date(),
        expiresInMs: 3_600_000,
      },
      approver,
    );
    const approvalFile = join(work, "approval.jws");
    writeFileSync(approvalFile, jws);
    const cwd = process.cwd();
    process.chdir(work);
    try {
      const approved = await run(paths, { approvals: [approvalFile] });
      expect(approved).toMatchObject({ exitCode: 0, status: "success" });
      expect((await verified(approved.receiptPath)).extension.approval_ids).toEqual([approval.approval_id]);
      const replayed = await run(paths, { approvals: [approvalFile] });
      expect(replayed).toMatchObject({ exitCode: 3, status: "blocked" });
      expect((await verified(replayed.receiptPath)).receipt.error).toContain("APPROVAL_REPLAYED");
    } finally {
      process.chdir(cwd);
    }
  });

  test("a write path that is a symlink to a folder outside: refused before anything runs", async () => {
    const away = tempDir("tollgate-away-");
    const paths = files([command(["touch", `${work}/out/link/x`], { write_paths: [`${work}/out/link/**`] })]);
    symlinkSync(away, join(work, "out", "link"));
    const result = await run(paths);
    // The policy side resolves the symlink and denies; the sandbox would refuse it too (see the adversarial suite).
    expect(result).toMatchObject({ decision: "deny", exitCode: 1, status: "blocked" });
    expect(existsSync(join(away, "x"))).toBe(false);
  });

  test("a cwd the sandbox cannot enter: exit 4 and the sandbox's words in the receipt", async () => {
    mkdirSync(join(work, ".tollgate", "state"), { recursive: true });
    const paths = files(
      [command(["true"], { cwd: join(work, ".tollgate", "state"), read_paths: [`${work}/**`] })],
      {},
      { allow_commands: ["true"] },
    );
    const result = await run(paths, { mode: "hardened" });
    expect(result).toMatchObject({ decision: "allow", exitCode: 4, status: "blocked" });
    expect((await verified(result.receiptPath)).receipt.error).toContain("the sandbox could not start");
  });

  test("secrets reach the command, never the receipt or tollgate's output", async () => {
    const secrets = join(home, "secrets.json");
    writeFileSync(secrets, JSON.stringify({ TOKEN: { value: CANARY } }));
    chmodSync(secrets, 0o600);
    const paths = files(
      [command(["printenv", "TOKEN"], { secret_refs: ["TOKEN"], proposed_effect_type: "touch_secrets" })],
      {},
      { allow_secret_refs: true, allowed_effect_types: ["observe", "transform_local", "touch_secrets"] },
    );
    // The whole CLI in a child process, so everything tollgate prints is seen.
    const cli = runTollgate(
      ["exec", paths.contract, "--policy", paths.policy, "--key", key.kid, "--secrets", secrets, "--json"],
      { env: { HOME: home, XDG_CONFIG_HOME: join(home, ".config") } },
    );
    const code = cli.code;
    const printed = cli.stdout + cli.stderr;
    if (cli.code !== 0) throw new Error(cli.stderr);
    expect(printed).not.toContain(CANARY);
    const document = JSON.parse(cli.stdout);
    // The command printed its secret: the caller sees it masked.
    expect(document.commands).toEqual([
      { id: "c1", stdout: "***\n", stderr: "", stdout_truncated: false, stderr_truncated: false },
    ]);
    expect(document.receipt.error).toBeUndefined();
    expect(code).toBe(0);
    const receiptText = readFileSync(document.receipt_path, "utf8");
    expect(receiptText).not.toContain(CANARY);
    const { receipt, extension } = await verified(document.receipt_path);
    expect(receipt.effect_summary?.secrets_used).toBe(1);
    // The echoed secret is the command's output: hashed, not stored.
    const hash = new Bun.CryptoHasher("sha256").update(`${CANARY}\n`).digest("hex");
    expect(extension.commands[0]).toMatchObject({ stdout: { sha256: `sha256:${hash}` } });
  });

  test("the commands' output reaches the caller: stdout on stdout, stderr on stderr, the summary after", () => {
    writeFileSync(join(work, "note.txt"), "hello from the workspace\n");
    const paths = files([command(["cat", `${work}/note.txt`, `${work}/missing.txt`], { id: "show" })]);
    const cli = runTollgate(["exec", paths.contract, "--policy", paths.policy, "--mode", "local"], {
      env: { HOME: home, XDG_CONFIG_HOME: join(home, ".config") },
    });
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe("hello from the workspace\n");
    expect(cli.stderr).toMatch(
      /^(\/usr\/bin\/)?cat: .*missing\.txt: No such file or directory\nfailed: decision allow, 1 command run\n/,
    );
  });

  test("local mode: recorded as local, with no sandbox profile", async () => {
    const result = await run(files([command(["touch", `${work}/out/local`])]), { mode: "local" });
    const { receipt, extension } = await verified(result.receiptPath);
    expect(receipt.execution_mode).toBe("local");
    expect(extension.sandbox_profile_sha256).toBeNull();
  });

  test("without --key the receipt is written unsigned, as JSON", async () => {
    const result = await run(files([command(["touch", `${work}/out/u`])]), { key: undefined });
    expect(result.receiptPath).toEndWith(".receipt.json");
    expect(JSON.parse(readFileSync(result.receiptPath, "utf8")).receipt.status).toBe("success");
  });
});

test("a receipt that cannot be written is an environment error naming the path, not a crash", async () => {
  const paths = files([command(["touch", `${work}/out/w`])]);
  const run = execContract({ ...paths, mode: "local", approvals: [], receiptOut: join(work, "no-such-dir", "r.jws") });
  await expect(run).rejects.toThrow(/receipt cannot be written to .*no-such-dir.*--receipt-out/);
});
