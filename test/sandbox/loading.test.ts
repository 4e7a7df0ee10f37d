import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import {
  CONTRACT_MAX_BYTES,
  loadContract,
  loadPolicy,
  POLICY_MAX_BYTES,
  parseContract,
  parsePolicy,
  parsePolicyDecision,
  parseStrictJson,
  parseStrictYaml,
} from "../../src/sandbox/index.ts";
import { tempDir, userErrorFrom, userErrorOf } from "../helpers.ts";
import { CSC_DIR, command, contractInput, policyInput } from "./fixtures.ts";

interface Fixture {
  id: string;
  input?: unknown;
  raw_text?: string;
  source?: string;
  valid: boolean;
  expected_error_contains?: string;
}

const fixtures = (file: string): Fixture[] => JSON.parse(readFileSync(join(CSC_DIR, file), "utf8")) as Fixture[];

function write(name: string, content: string | Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

describe("CSC conformance fixtures", () => {
  test("the copy in test/fixtures/csc is the upstream data its SHA256SUMS records, file for file", () => {
    const recorded = new Map<string, string>();
    for (const line of readFileSync(join(CSC_DIR, "SHA256SUMS"), "utf8").trim().split("\n")) {
      const [digest = "", path = ""] = line.split("  ");
      recorded.set(path, digest);
    }
    const present = readdirSync(CSC_DIR, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.parentPath !== CSC_DIR)
      .map((entry) => relative(CSC_DIR, join(entry.parentPath, entry.name)))
      .sort();
    expect(present).toEqual([...recorded.keys()].sort());
    for (const [path, digest] of recorded) {
      const actual = createHash("sha256")
        .update(readFileSync(join(CSC_DIR, path)))
        .digest("hex");
      expect({ path, digest: actual }).toEqual({ path, digest });
    }
  });

  for (const file of ["conformance/contracts/valid.json", "conformance/contracts/invalid.json"]) {
    for (const fixture of fixtures(file)) {
      test(`${fixture.id}: ${fixture.valid ? "loads" : "is rejected"}`, () => {
        const path = write("contract.json", JSON.stringify(fixture.input));
        if (fixture.valid) {
          expect(loadContract(path).contract_id).toBe((fixture.input as { contract_id: string }).contract_id);
        } else {
          expect(userErrorFrom(() => loadContract(path)).code).toBe("INVALID_CONTRACT");
        }
      });
    }
  }

  test("each invalid contract fixture names the field that is wrong", () => {
    const messages = Object.fromEntries(
      fixtures("conformance/contracts/invalid.json").map((f) => [
        f.id,
        userErrorFrom(() => parseContract(f.input)).message,
      ]),
    );
    expect(messages["contract-invalid-missing-version-001"]).toContain("version: missing required field");
    expect(messages["contract-invalid-missing-actor-002"]).toContain("actor: missing required field");
    expect(messages["contract-invalid-both-exec-and-pipeline-003"]).toContain(
      "commands[0]: a command has exactly one of exec or pipeline",
    );
    expect(messages["contract-invalid-relative-cwd-004"]).toContain("commands[0].cwd: must be an absolute path");
    expect(messages["contract-invalid-bad-risk-class-005"]).toContain('risk_class: expected ("low"');
    expect(messages["contract-invalid-bad-effect-type-006"]).toContain('got "nuke_from_orbit"');
    expect(messages["contract-invalid-bad-network-007"]).toContain('commands[0].network: expected ("deny"');
    expect(messages["contract-invalid-empty-commands-008"]).toContain("commands: must hold at least one command");
    expect(messages["contract-invalid-too-many-commands-009"]).toContain("commands: must hold at most 20 commands");
    expect(messages["contract-invalid-neither-exec-nor-pipeline-010"]).toContain("exactly one of exec or pipeline");
  });

  for (const fixture of fixtures("conformance/policies/schema.json")) {
    test(`${fixture.id}: ${fixture.valid ? "loads" : "is rejected"}`, () => {
      if (fixture.valid) expect(parsePolicy(fixture.input).policy_schema_version).toBe("csc.policy.v0.1");
      else expect(userErrorFrom(() => parsePolicy(fixture.input)).code).toBe("INVALID_POLICY");
    });
  }

  for (const fixture of fixtures("conformance/policies/loader.json")) {
    test(`${fixture.id}: ${fixture.valid ? "loads" : `fails with "${fixture.expected_error_contains}"`}`, async () => {
      const path =
        fixture.source === "missing_file"
          ? join(tempDir(), "missing.yaml")
          : write("policy.yaml", fixture.raw_text ?? "");
      if (fixture.valid) expect((await loadPolicy(path)).name).toBe("loader-valid");
      else expect((await userErrorOf(loadPolicy(path))).message).toContain(fixture.expected_error_contains as string);
    });
  }

  test("the examples load: two contracts and two policies", async () => {
    for (const name of ["git-status", "npm-test"]) {
      expect(loadContract(join(CSC_DIR, "examples", "contracts", `${name}.json`)).version).toBe("csc.v0.1");
    }
    for (const name of ["dev-readonly", "dev-test-no-network"]) {
      expect((await loadPolicy(join(CSC_DIR, "examples", "policies", `${name}.yaml`))).name).toBe(name);
    }
  });
});

describe("weakness 1: coercion refused, strict validation", () => {
  const bad = (overrides: Record<string, unknown>) => contractInput([command(overrides as never)]);

  test('"timeout_sec": "10" is refused, naming the field and the value', () => {
    expect(userErrorFrom(() => parseContract(bad({ timeout_sec: "10" }))).message).toContain(
      'commands[0].timeout_sec: expected an integer, got "10"',
    );
  });

  test("a short contract_id is refused", () => {
    const message = userErrorFrom(() => parseContract(contractInput(undefined, { contract_id: "short" }))).message;
    expect(message).toContain("contract_id: must be at least 8 characters");
  });

  test("a relative cwd is refused", () => {
    expect(userErrorFrom(() => parseContract(bad({ cwd: "repo" }))).message).toContain(
      "commands[0].cwd: must be an absolute path",
    );
  });

  test("an unknown field is refused, in the contract and in the policy", () => {
    expect(userErrorFrom(() => parseContract(bad({ shell: true }))).message).toContain(
      "commands[0].shell: unknown field",
    );
    expect(userErrorFrom(() => parsePolicy(policyInput({ allow_all: true }))).message).toContain(
      "allow_all: unknown field",
    );
  });

  test("a boolean given as a string, a float timeout and a string network are refused", () => {
    expect(userErrorFrom(() => parsePolicy(policyInput({ allow_secret_refs: "false" }))).message).toContain(
      'allow_secret_refs: expected boolean, got "false"',
    );
    expect(userErrorFrom(() => parseContract(bad({ timeout_sec: 1.5 }))).message).toContain(
      "timeout_sec: expected an integer",
    );
  });

  test("tollgate's limits: argv length, argv element size, pipeline segments, justification", () => {
    const long = "x".repeat(128 * 1024 + 1);
    expect(userErrorFrom(() => parseContract(bad({ exec: { argv: ["git", long] } }))).message).toContain(
      "commands[0].exec.argv[1]: is longer than 128 KiB",
    );
    const many = Array.from({ length: 201 }, () => "a");
    expect(userErrorFrom(() => parseContract(bad({ exec: { argv: many } }))).message).toContain("at most 200 elements");
    const segments = Array.from({ length: 11 }, () => ({ argv: ["cat"] }));
    expect(userErrorFrom(() => parseContract(bad({ exec: undefined, pipeline: { segments } }))).message).toContain(
      "commands[0].pipeline.segments: a pipeline has at most 10 segments",
    );
    const justification = "j".repeat(4001);
    expect(userErrorFrom(() => parseContract(contractInput(undefined, { justification }))).message).toContain(
      "justification: must be at most 4000 characters",
    );
  });

  test("a NUL byte in a path and a duplicate command id are refused", () => {
    expect(userErrorFrom(() => parseContract(bad({ cwd: "/workspace/\0x" }))).message).toContain(
      "must not contain a NUL byte",
    );
    const twice = contractInput([command(), command()]);
    expect(userErrorFrom(() => parseContract(twice)).message).toContain("commands: command ids must be unique");
  });

  test("Windows drive and UNC paths load, as CSC allows", () => {
    expect(parseContract(bad({ cwd: "C:\\work" })).commands[0]?.cwd).toBe("C:\\work");
    expect(parseContract(bad({ cwd: "\\\\server\\share" })).commands[0]?.cwd).toBe("\\\\server\\share");
  });

  test("every problem is listed, not only the first", () => {
    const message = userErrorFrom(() => parseContract(bad({ timeout_sec: "10", network: "yolo" }))).message;
    expect(message).toContain("commands[0].timeout_sec");
    expect(message).toContain("commands[0].network");
  });
});

describe("strict JSON", () => {
  test("a duplicate key is refused, naming the key and its path", () => {
    const text = '{"a": 1, "commands": [{"id": "x", "exec": {"argv": []}, "id": "y"}]}';
    expect(userErrorFrom(() => parseStrictJson(text, "contract c.json")).message).toBe(
      'contract c.json: duplicate key "id" in commands[0]; keep one of them',
    );
    expect(userErrorFrom(() => parseStrictJson('{"a":1,"a":1}', "doc")).message).toContain(
      'duplicate key "a" in (top level)',
    );
  });

  test("the same key in different objects is fine", () => {
    expect(parseStrictJson('{"a": {"x": 1}, "b": {"x": 2}}', "doc")).toEqual({ a: { x: 1 }, b: { x: 2 } });
  });

  test("it parses what JSON.parse parses, to the same value (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseStrictJson(text, "doc")).toEqual(JSON.parse(text));
      }),
    );
  });

  test("syntax errors name the line and column", () => {
    expect(userErrorFrom(() => parseStrictJson('{\n  "a": tru\n}', "doc")).message).toContain(
      "doc: invalid JSON at line 2, column 8",
    );
    for (const text of ["", "{", '{"a":1,}', "[1 2]", "01", '"\\x"', "{} x", "NaN"]) {
      expect(userErrorFrom(() => parseStrictJson(text, "doc")).code).toBe("INVALID_JSON");
    }
  });

  test("__proto__ stays a plain key and is then refused as an unknown field", () => {
    const value = parseStrictJson('{"__proto__": {"polluted": true}}', "doc") as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const input = { ...contractInput(), ...value };
    expect(userErrorFrom(() => parseContract(input)).message).toContain("__proto__: unknown field");
  });

  test("deep nesting is refused, not a stack overflow", () => {
    expect(userErrorFrom(() => parseStrictJson("[".repeat(100_000), "doc")).message).toContain("nested deeper than 64");
  });
});

describe("strict YAML", () => {
  test("yes, no, on and off stay strings (YAML 1.2 core schema)", async () => {
    expect(await parseStrictYaml("a: yes\nb: no\nc: on\nd: off\ne: true\n", "doc")).toEqual({
      a: "yes",
      b: "no",
      c: "on",
      d: "off",
      e: true,
    });
  });

  test("a duplicate key is refused, naming the key and its line", async () => {
    expect((await userErrorOf(parseStrictYaml("a: 1\nb:\n  c: 1\n  c: 2\n", "policy p.yaml"))).message).toBe(
      'policy p.yaml: duplicate key "c" at line 4; keep one of them',
    );
  });

  test("custom and YAML 1.1 tags are refused", async () => {
    expect((await userErrorOf(parseStrictYaml("a: !foo x\n", "doc"))).message).toContain(
      "invalid YAML: Unresolved tag",
    );
    expect((await userErrorOf(parseStrictYaml("a: !!binary aGk=\n", "doc"))).code).toBe("INVALID_YAML");
  });

  test("merge keys are not merged: << stays a key, which no schema knows", async () => {
    const value = await parseStrictYaml("base: &b {name: x}\n<<: *b\n", "doc");
    expect(Object.keys(value)).toEqual(["base", "<<"]);
  });

  test("billion laughs fails fast with an error", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}, *${String.fromCharCode(96 + i)}]`,
      );
    const started = performance.now();
    expect((await userErrorOf(parseStrictYaml(levels.join("\n"), "doc"))).message).toContain("invalid YAML");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test("__proto__ stays a plain key", async () => {
    const value = await parseStrictYaml("__proto__: {polluted: 1}\nname: x\n", "doc");
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["__proto__", "name"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("more than one document, a scalar and an empty file are refused", async () => {
    expect((await userErrorOf(parseStrictYaml("a: 1\n---\nb: 2\n", "doc"))).code).toBe("INVALID_YAML");
    expect((await userErrorOf(parseStrictYaml("just text\n", "doc"))).message).toContain("must contain a YAML mapping");
    expect((await userErrorOf(parseStrictYaml("", "doc"))).message).toContain("must contain a YAML mapping");
  });
});

describe("file loading", () => {
  test("size caps are checked before parsing: contract 1 MiB, policy 512 KiB", async () => {
    const contract = write("big.json", `{"a": "${"x".repeat(CONTRACT_MAX_BYTES)}"}`);
    expect(userErrorFrom(() => loadContract(contract)).message).toContain("the limit is 1048576 bytes");
    const policy = write("big.yaml", `a: ${"x".repeat(POLICY_MAX_BYTES)}\n`);
    expect((await userErrorOf(loadPolicy(policy))).code).toBe("FILE_TOO_LARGE");
  });

  test("a missing file, a folder and non-UTF-8 bytes fail with 'failed to read'", async () => {
    const dir = tempDir();
    expect(userErrorFrom(() => loadContract(join(dir, "nope.json"))).message).toBe(
      `failed to read contract ${join(dir, "nope.json")}: no such file or directory`,
    );
    expect((await userErrorOf(loadPolicy(dir))).message).toBe(`failed to read policy ${dir}: not a regular file`);
    expect(userErrorFrom(() => loadContract(write("bad.json", new Uint8Array([0x7b, 0xff, 0x7d])))).message).toContain(
      "it is not UTF-8 text",
    );
  });

  test("a duplicate key in a contract file is refused", () => {
    const text = JSON.stringify(contractInput()).replace(
      '"risk_class":"low"',
      '"risk_class":"low","risk_class":"high"',
    );
    expect(userErrorFrom(() => loadContract(write("c.json", text))).message).toContain('duplicate key "risk_class"');
  });

  test("loaded documents are frozen (a hash of them cannot go stale)", () => {
    const loaded = loadContract(write("c.json", JSON.stringify(contractInput())));
    expect(Object.isFrozen(loaded) && Object.isFrozen(loaded.commands[0])).toBe(true);
  });
});

describe("the tollgate policy block", () => {
  const jwk = { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" };

  test("a full block loads", () => {
    const policy = parsePolicy(
      policyInput({
        tollgate: {
          allow_inline_code: false,
          allowed_env: ["CI", "LANG"],
          allowed_secret_refs: ["vault://ci/token"],
          trusted_approvers: [{ identity: "alice@example.com", jwk }],
          executable_dirs: ["/opt/tools/bin"],
          limits: { cpu_seconds: 60, memory_bytes: 2 ** 31, open_files: 256, processes: 64, file_size_bytes: 2 ** 20 },
        },
      }),
    );
    expect(policy.tollgate?.trusted_approvers?.[0]?.jwk.x).toBe(jwk.x);
  });

  test("each key is checked", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ allow_inline_code: "yes" }, "tollgate.allow_inline_code: expected boolean"],
      [{ allowed_env: ["BAD-NAME"] }, "tollgate.allowed_env[0]: must be an environment variable name"],
      [{ allowed_secret_refs: ["a", "a"] }, "tollgate.allowed_secret_refs: must not list the same secret ref twice"],
      [{ trusted_approvers: [{ identity: "a", jwk: { ...jwk, d: "secret" } }] }, "jwk.d: unknown field"],
      [{ trusted_approvers: [{ identity: "a", jwk: { ...jwk, crv: "P-256" } }] }, "jwk.crv"],
      [{ trusted_approvers: [{ identity: "a", jwk: { ...jwk, x: "short" } }] }, "jwk.x: must be a 32-byte key"],
      [{ limits: { processes: 0 } }, "tollgate.limits.processes: must be at least 1"],
      [{ limits: { memory_bytes: 2 ** 50 } }, "tollgate.limits.memory_bytes: must be at most"],
      [{ limits: { cpu: 1 } }, "tollgate.limits.cpu: unknown field"],
      [{ executable_dirs: ["bin"] }, "tollgate.executable_dirs[0]: must be an absolute path"],
      [{ surprise: 1 }, "tollgate.surprise: unknown field"],
    ];
    for (const [tollgate, expected] of cases) {
      expect(userErrorFrom(() => parsePolicy(policyInput({ tollgate }))).message).toContain(expected);
    }
  });

  test("a glob in a policy prefix is refused; a trailing /** is accepted", () => {
    expect(parsePolicy(policyInput({ allowed_read_prefixes: ["/workspace/**"] })).allowed_read_prefixes).toEqual([
      "/workspace/**",
    ]);
    expect(userErrorFrom(() => parsePolicy(policyInput({ allowed_read_prefixes: ["/work*"] }))).message).toContain(
      "allowed_read_prefixes[0]: glob characters are not supported",
    );
  });
});

describe("the PolicyDecision schema", () => {
  const decision = {
    contract_id: "c-1",
    decision: "allow",
    policy_profile: "p",
    reasons: ["ok"],
    reason_codes: ["ALLOW"],
    expires_at: "2026-01-01T00:00:00.000Z",
  };

  test("a CSC decision validates; extra fields, repeated codes and bad hashes do not", () => {
    expect(parsePolicyDecision(decision).decision).toBe("allow");
    expect(userErrorFrom(() => parsePolicyDecision({ ...decision, extra: 1 })).message).toContain(
      "extra: unknown field",
    );
    expect(
      userErrorFrom(() => parsePolicyDecision({ ...decision, reason_codes: ["ALLOW", "ALLOW"] })).message,
    ).toContain("must not list a code twice");
    expect(userErrorFrom(() => parsePolicyDecision({ ...decision, contract_sha256: "abc" })).message).toContain(
      "contract_sha256: must be 64 hex digits",
    );
  });
});
