/** `tollgate keys`, `tollgate approve`, `tollgate receipt` through the real CLI: exit codes 0, 1, 2 and outputs. */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint } from "jose";
import { canonicalJson, ExitCode, sha256Hex } from "../../src/core/index.ts";
import { buildReceipt, checkApprovals, keysDir, loadSigningKey, signReceipt } from "../../src/receipts/index.ts";
import { PROJECT_ROOT, type RunResult, runTollgate, SOURCE_MAIN, tempDir } from "../helpers.ts";
import { HASH_A, HASH_B, sampleExtension, sampleFacts } from "./fixtures.ts";

const home = tempDir("tollgate-home-");
const env = { HOME: home };
const run = (...args: string[]) => runTollgate(args, { env });
const outputs: RunResult[] = [];
/** Runs and remembers the output, to prove later that no command printed the private key. */
const logged = (...args: string[]) => {
  const result = run(...args);
  outputs.push(result);
  return result;
};

const generated = logged("keys", "generate", "--name", "ci", "--json");
const record = JSON.parse(generated.stdout);
const kid: string = record.kid;
const dir = keysDir({ XDG_CONFIG_HOME: join(home, ".config") });
const signing = await loadSigningKey(kid, dir);

const work = tempDir();
const contractPath = join(work, "contract.json");
const contract = JSON.parse(
  readFileSync(join(PROJECT_ROOT, "test", "fixtures", "receipts", "contract-git-status.json"), "utf8"),
);
writeFileSync(contractPath, JSON.stringify(contract, null, 4));
const contractSha = sha256Hex(canonicalJson(contract));

const extension = sampleExtension();
const receiptPath = join(work, "receipt.jws");
writeFileSync(
  receiptPath,
  `${await signReceipt(buildReceipt(sampleFacts({ contract_sha256: contractSha }), extension), extension, signing)}\n`,
);

describe("tollgate keys", () => {
  test("generate: exit 0, files 0600 in 0700, kid is the thumbprint of the exported JWK", async () => {
    expect(generated.code).toBe(ExitCode.ok);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(record.files.privatePem).mode & 0o777).toBe(0o600);
    const exported = logged("keys", "export", kid);
    expect(exported.code).toBe(ExitCode.ok);
    const jwk = JSON.parse(exported.stdout);
    expect(await calculateJwkThumbprint(jwk)).toBe(kid);
    expect(jwk).toEqual(record.jwk);
  });

  test("list, show and export in every format", () => {
    const list = logged("keys", "list", "--json");
    expect(JSON.parse(list.stdout).keys.map((key: { kid: string }) => key.kid)).toEqual([kid]);
    expect(logged("keys", "list").stderr).toContain(`${kid}  `);
    const show = logged("keys", "show", kid, "--json");
    expect(JSON.parse(show.stdout)).toMatchObject({ kid, name: "ci", jwk: record.jwk });
    expect(logged("keys", "show", kid).stderr).toContain("private key: present (not shown)");
    expect(logged("keys", "export", kid, "--format", "pem").stdout).toStartWith("-----BEGIN PUBLIC KEY-----");
    expect(JSON.parse(logged("keys", "export", kid, "--format", "jwks").stdout)).toEqual({ keys: [record.jwk] });
  });

  test("an unknown kid or format is a usage error", () => {
    expect(logged("keys", "show", "A".repeat(43)).code).toBe(ExitCode.usage);
    expect(logged("keys", "export", kid, "--format", "x509").code).toBe(ExitCode.usage);
  });
});

describe("tollgate approve", () => {
  test("writes a signed approval a trusted-approver check accepts", async () => {
    const out = join(work, "approval.jws");
    const result = logged(
      "approve",
      contractPath,
      "--approver",
      "alice@example.com",
      "--key",
      kid,
      "--expires",
      "1h",
      "--scope",
      "single_execution",
      "--ticket",
      "CHG-1",
      "--out",
      out,
      "--json",
    );
    expect(result.code).toBe(ExitCode.ok);
    const { approval, jws } = JSON.parse(result.stdout);
    expect(readFileSync(out, "utf8")).toBe(`${jws}\n`);
    expect(approval).toMatchObject({ contract_sha256: contractSha, scope: "single_execution", ticket_id: "CHG-1" });
    const check = await checkApprovals([jws], {
      contractSha256: contractSha,
      trustedApprovers: [{ identity: "alice@example.com", jwk: record.jwk }],
      now: new Date(),
      mode: "human_required",
    });
    expect(check.ok).toBe(true);
  });

  test("bad --expires, --scope, key or contract: exit 2", () => {
    const base = ["approve", contractPath, "--approver", "a", "--key", kid, "--scope", "time_window"];
    for (const expires of ["0m", "31d", "soon"]) {
      const result = logged(...base, "--expires", expires);
      expect([expires, result.code]).toEqual([expires, ExitCode.usage]);
    }
    expect(logged(...base.slice(0, -1), "forever", "--expires", "1h").code).toBe(ExitCode.usage);
    expect(logged("approve", join(work, "missing.json"), ...base.slice(2), "--expires", "1h").code).toBe(
      ExitCode.usage,
    );
    expect(logged("approve", receiptPath, ...base.slice(2), "--expires", "1h").code).toBe(ExitCode.usage);
  });

  test("a private key readable by others: exit 2 naming the chmod fix", () => {
    const copy = join(work, "open.key.pem");
    writeFileSync(copy, readFileSync(record.files.privatePem));
    chmodSync(copy, 0o644);
    const result = logged(
      "approve",
      contractPath,
      "--approver",
      "a",
      "--key",
      copy,
      "--expires",
      "1h",
      "--scope",
      "time_window",
    );
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toContain(`chmod 600 ${copy}`);
  });
});

describe("tollgate receipt verify", () => {
  test("valid: exit 0, by kid, by PEM, by JWKS, with matching contract and policy", () => {
    const jwks = join(work, "trusted.jwks");
    writeFileSync(jwks, logged("keys", "export", kid, "--format", "jwks").stdout);
    expect(logged("receipt", "verify", receiptPath, "--key", kid).code).toBe(ExitCode.ok);
    expect(logged("receipt", "verify", receiptPath, "--key", record.files.publicPem).code).toBe(ExitCode.ok);
    const result = logged(
      "receipt",
      "verify",
      receiptPath,
      "--keys",
      jwks,
      "--contract",
      contractPath,
      "--policy-sha256",
      HASH_B,
      "--json",
    );
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, kid, extension });
  });

  test("invalid: exit 1 and the reason, for a tampered receipt, another contract or policy", () => {
    const [header, payload, signature] = readFileSync(receiptPath, "utf8").trim().split(".") as [
      string,
      string,
      string,
    ];
    const document = JSON.parse(Buffer.from(payload, "base64url").toString());
    const tampered = join(work, "tampered.jws");
    writeFileSync(
      tampered,
      `${header}.${Buffer.from(JSON.stringify({ ...document, status: "success" })).toString("base64url")}.${signature}`,
    );
    const result = logged("receipt", "verify", tampered, "--key", kid, "--json");
    expect(result.code).toBe(ExitCode.checkFailed);
    expect(JSON.parse(result.stdout)).toMatchObject({
      valid: false,
      reason: "SIGNATURE_INVALID",
      summary: "the signature does not verify with the trusted key",
    });
    expect(logged("receipt", "verify", tampered, "--key", kid).stderr).toContain("INVALID: SIGNATURE_INVALID");
    const otherContract = join(work, "other.json");
    writeFileSync(otherContract, JSON.stringify({ ...contract, intent: "something else" }));
    const mismatch = logged("receipt", "verify", receiptPath, "--key", kid, "--contract", otherContract);
    expect([mismatch.code, mismatch.stderr]).toEqual([
      ExitCode.checkFailed,
      expect.stringContaining("CONTRACT_HASH_MISMATCH"),
    ]);
    const policy = logged("receipt", "verify", receiptPath, "--key", kid, "--policy-sha256", HASH_A);
    expect([policy.code, policy.stderr]).toEqual([
      ExitCode.checkFailed,
      expect.stringContaining("POLICY_HASH_MISMATCH"),
    ]);
  });

  test("bad input: exit 2 for a missing receipt, a bad key file, no key or two, a bad policy hash", () => {
    const junkKey = join(work, "junk.pem");
    writeFileSync(junkKey, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    for (const args of [
      [join(work, "missing.jws"), "--key", kid],
      [receiptPath, "--key", junkKey],
      [receiptPath, "--key", record.files.privatePem],
      [receiptPath],
      [receiptPath, "--key", kid, "--keys", junkKey],
      [receiptPath, "--key", kid, "--policy-sha256", "abc"],
    ]) {
      const result = logged("receipt", "verify", ...args);
      expect([args, result.code]).toEqual([args, ExitCode.usage]);
    }
  });
});

describe("tollgate receipt show and export", () => {
  test("show summarises without claiming validity", () => {
    const result = logged("receipt", "show", receiptPath);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stderr).toStartWith("NOT VERIFIED");
    expect(result.stderr).toContain("cmd_2  failed  exit 2");
    expect(result.stderr).toContain(`signer kid:  ${kid}`);
    const json = JSON.parse(logged("receipt", "show", receiptPath, "--json").stdout);
    expect(json).toMatchObject({ verified: false, extension, header: { kid, typ: "csc-receipt+jws" } });
  });

  test("show prints no control characters a receipt carries (terminal escapes)", async () => {
    const hostile = join(work, "hostile.jws");
    const facts = sampleFacts({ contract_id: "evil\u001b]0;owned\u0007\u001b[2J", contract_sha256: contractSha });
    writeFileSync(hostile, await signReceipt(buildReceipt(facts, extension), extension, signing));
    const result = logged("receipt", "show", hostile);
    expect(result.code).toBe(ExitCode.ok);
    expect(result.stderr).toContain("evil?]0;owned??[2J");
    for (const control of ["\u001b", "\u0007"]) expect(result.stderr).not.toContain(control);
  });

  test("show refuses what is not a receipt (exit 2)", () => {
    expect(logged("receipt", "show", contractPath).code).toBe(ExitCode.usage);
  });

  test("export prints a DSSE envelope signed by --key; a receipt that does not verify with it exits 1", async () => {
    const result = logged("receipt", "export", receiptPath, "--key", kid);
    expect(result.code).toBe(ExitCode.ok);
    expect(JSON.parse(result.stdout)).toMatchObject({
      payloadType: "application/vnd.in-toto+json",
      signatures: [{ keyid: kid }],
    });
    const other = JSON.parse(logged("keys", "generate", "--json").stdout).kid;
    expect(logged("receipt", "export", receiptPath, "--key", other).code).toBe(ExitCode.checkFailed);
  });
});

test("no command printed the private key", () => {
  const body = readFileSync(record.files.privatePem, "utf8")
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("-----"));
  expect(body.length).toBeGreaterThan(0);
  expect(outputs.length).toBeGreaterThan(20);
  for (const { stdout, stderr } of outputs) {
    for (const line of body) {
      expect(stdout).not.toContain(line);
      expect(stderr).not.toContain(line);
    }
    expect(stdout + stderr).not.toContain("PRIVATE KEY-----");
  }
});

test("under Deno: keys generate and receipt verify", () => {
  const deno = join(PROJECT_ROOT, "node_modules", ".bin", "deno");
  const denoHome = tempDir("tollgate-home-");
  const runDeno = (...args: string[]) =>
    spawnSync(deno, ["run", "-A", SOURCE_MAIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: denoHome, XDG_CONFIG_HOME: join(denoHome, ".config"), NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 60_000,
    });
  const denoKey = runDeno("keys", "generate", "--json");
  expect(denoKey.status).toBe(ExitCode.ok);
  expect(JSON.parse(denoKey.stdout).kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(runDeno("receipt", "verify", receiptPath, "--key", record.files.publicPem).status).toBe(ExitCode.ok);
  expect(runDeno("receipt", "verify", receiptPath, "--key", JSON.parse(denoKey.stdout).files.publicPem).status).toBe(
    ExitCode.checkFailed,
  );
});

test("the compiled executable: keys generate and receipt verify", () => {
  const compiledHome = tempDir("tollgate-home-");
  const runCompiled = (...args: string[]) => runTollgate(args, { env: { HOME: compiledHome }, compiled: true });
  const generatedHere = runCompiled("keys", "generate", "--json");
  expect(generatedHere.code).toBe(ExitCode.ok);
  expect(runCompiled("receipt", "verify", receiptPath, "--key", record.files.publicPem).code).toBe(ExitCode.ok);
  const other = JSON.parse(generatedHere.stdout).kid;
  expect(runCompiled("receipt", "verify", receiptPath, "--key", other).code).toBe(ExitCode.checkFailed);
});
