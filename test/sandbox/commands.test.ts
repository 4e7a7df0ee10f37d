/**
 * `tollgate policy check` and `tollgate contract hash` through the real CLI,
 * on the CSC examples with their /workspace paths moved into a temp folder.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { contractSha256, loadContract, parsePolicyDecision } from "../../src/sandbox/index.ts";
import { runTollgate, tempDir } from "../helpers.ts";
import { CSC_DIR } from "./fixtures.ts";

const PATH = "/usr/bin:/bin";

/** A workspace folder and the example files with /workspace replaced by it. */
function examples() {
  const dir = tempDir();
  const workspace = join(dir, "workspace");
  mkdirSync(join(workspace, "repo"), { recursive: true });
  const copy = (kind: string, name: string, edit: (text: string) => string = (t) => t) => {
    const text = readFileSync(join(CSC_DIR, "examples", kind, name), "utf8").replaceAll("/workspace", workspace);
    const path = join(dir, name);
    writeFileSync(path, edit(text));
    return path;
  };
  return { dir, workspace, copy };
}

const check = (contract: string, policy: string, ...flags: string[]) =>
  runTollgate(["policy", "check", contract, "--policy", policy, ...flags], { env: { PATH } });

describe("tollgate policy check", () => {
  test("git-status against dev-readonly: allow, exit 0, summary on stderr", () => {
    const { copy } = examples();
    const result = check(copy("contracts", "git-status.json"), copy("policies", "dev-readonly.yaml"));
    expect(result.stderr).toContain('allow: contract contract_git_status_001 against policy "dev-readonly"');
    expect(result.stdout).toBe("");
    expect(result.code).toBe(0);
  });

  test("--json: a CSC PolicyDecision plus one tollgate member", () => {
    const { copy } = examples();
    const contract = copy("contracts", "git-status.json");
    const result = check(contract, copy("policies", "dev-readonly.yaml"), "--json");
    expect(result.code).toBe(0);
    const { tollgate, ...decision } = JSON.parse(result.stdout);
    expect(parsePolicyDecision(decision).reason_codes).toEqual(["ALLOW"]);
    expect(decision.contract_sha256).toBe(contractSha256(loadContract(contract)));
    expect(tollgate.policy_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(tollgate.commands).toEqual([
      { id: "cmd_1", codes: [], classified_effect: "observe", executables: ["/usr/bin/git"], secret_refs: [] },
    ]);
  });

  test("npm-test against dev-test-no-network as CSC wrote them: deny (exit 1), env_allow CI is not in tollgate.allowed_env", () => {
    const { copy } = examples();
    const result = check(copy("contracts", "npm-test.json"), copy("policies", "dev-test-no-network.yaml"), "--json");
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(document.decision).toBe("deny");
    expect(document.reason_codes).toEqual(["ENV_NOT_ALLOWED"]);
    expect(result.stderr).toContain("ENV_NOT_ALLOWED  command cmd_1: environment variable CI");
  });

  test("npm-test with CI in tollgate.allowed_env: allow", () => {
    const { copy } = examples();
    const policy = copy("policies", "dev-test-no-network.yaml", (t) => `${t}\ntollgate:\n  allowed_env: [CI]\n`);
    expect(check(copy("contracts", "npm-test.json"), policy).code).toBe(0);
  });

  test("needs approval: exit 3", () => {
    const { copy } = examples();
    const contract = copy("contracts", "git-status.json", (t) =>
      t.replace('"approval_mode": "policy_only"', '"approval_mode": "human_required"'),
    );
    const result = check(contract, copy("policies", "dev-readonly.yaml"));
    expect(result.stderr).toContain("APPROVAL_REQUIRED");
    expect(result.code).toBe(3);
  });

  test("a deny lists every reason with its command id on stderr", () => {
    const { copy } = examples();
    const contract = copy("contracts", "git-status.json", (t) =>
      t.replace('["git", "status", "--short"]', '["python3", "-I", "-c", "print(1)"]').replace('"low"', '"high"'),
    );
    const result = check(contract, copy("policies", "dev-readonly.yaml"));
    expect(result.code).toBe(1);
    for (const code of ["RISK_CLASS_NOT_ALLOWED", "ARGV_PREFIX_DENIED", "INLINE_CODE_DENIED"]) {
      expect(result.stderr).toContain(code);
    }
    expect(result.stderr).toContain("command cmd_1: inline code (python3 -c) is not allowed");
  });

  test("bad input: exit 2 with a message naming what is wrong", () => {
    const { dir, copy } = examples();
    const policy = copy("policies", "dev-readonly.yaml");
    const contract = copy("contracts", "git-status.json");
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string[], string][] = [
      [[join(dir, "missing.json"), "--policy", policy], "failed to read contract"],
      [[contract, "--policy", join(dir, "missing.yaml")], "failed to read policy"],
      [[write("big.json", " ".repeat(1024 * 1024 + 1)), "--policy", policy], "the limit is 1048576 bytes"],
      [[write("dup.json", '{"a": 1, "a": 2}'), "--policy", policy], 'duplicate key "a"'],
      [
        [
          write("type.json", readFileSync(contract, "utf8").replace('"timeout_sec": 10', '"timeout_sec": "10"')),
          "--policy",
          policy,
        ],
        'commands[0].timeout_sec: expected an integer, got "10"',
      ],
      [
        [contract, "--policy", write("unknown.yaml", `${readFileSync(policy, "utf8")}\nshell: true\n`)],
        "shell: unknown field",
      ],
      [[contract, "--policy", write("list.yaml", "- a\n- b\n")], "must contain a YAML mapping"],
      [[contract, "--policy", write("dup.yaml", "name: a\nname: b\n")], 'duplicate key "name" at line 2'],
    ];
    for (const [args, message] of cases) {
      const result = runTollgate(["policy", "check", ...args], { env: { PATH } });
      expect(result.stderr).toContain(message);
      expect(result.code).toBe(2);
    }
    const noPolicy = runTollgate(["policy", "check", contract], { env: { PATH } });
    expect(noPolicy.code).toBe(2);
  });
});

describe("tollgate contract hash", () => {
  test("prints the canonical SHA-256, the same for a reformatted file", () => {
    const { dir, copy } = examples();
    const contract = copy("contracts", "git-status.json");
    const compact = join(dir, "compact.json");
    writeFileSync(compact, JSON.stringify(JSON.parse(readFileSync(contract, "utf8"))));
    const result = runTollgate(["contract", "hash", contract]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${contractSha256(loadContract(contract))}\n`);
    expect(runTollgate(["contract", "hash", compact]).stdout).toBe(result.stdout);
    const json = JSON.parse(runTollgate(["contract", "hash", contract, "--json"]).stdout);
    expect(json).toEqual({ contract_id: "contract_git_status_001", contract_sha256: result.stdout.trim() });
  });

  test("an invalid contract: exit 2", () => {
    const { dir } = examples();
    writeFileSync(join(dir, "bad.json"), "{}");
    const result = runTollgate(["contract", "hash", join(dir, "bad.json")]);
    expect(result.stderr).toContain("version: missing required field");
    expect(result.code).toBe(2);
  });
});
