import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import {
  type CommandContract,
  contractSha256,
  evaluate,
  matchesDenyPrefix,
  parseContract,
  parsePolicyDecision,
  policySha256,
  REASON_CODES,
  type ReasonCode,
} from "../../src/sandbox/index.ts";
import { command, contract, contractInput, fakeFs, NOW, options, policy } from "./fixtures.ts";

type Command = CommandContract["commands"][number];

const codesOf = (c: CommandContract, p = policy(), o = options()) => evaluate(c, p, o).decision.reason_codes;

/** For each code: a contract and policy that produce it (with the clean command otherwise). */
const PRODUCERS: Record<ReasonCode, () => { contract: CommandContract; policy?: ReturnType<typeof policy> }> = {
  ALLOW: () => ({ contract: contract() }),
  RISK_CLASS_NOT_ALLOWED: () => ({ contract: contract(undefined, { risk_class: "critical" }) }),
  COMMAND_NOT_ALLOWED: () => ({ contract: contract([command({ exec: { argv: ["rm", "-rf", "/workspace"] } })]) }),
  ARGV_PREFIX_DENIED: () => ({ contract: contract([command({ exec: { argv: ["git", "--no-pager", "push"] } })]) }),
  EFFECT_TYPE_NOT_ALLOWED: () => ({ contract: contract([command({ proposed_effect_type: "deploy" })]) }),
  APPROVAL_REQUIRED: () => ({ contract: contract(undefined, { approval_mode: "human_required" }) }),
  TIMEOUT_EXCEEDS_POLICY: () => ({ contract: contract([command({ timeout_sec: 61 })]) }),
  NETWORK_EXCEEDS_POLICY: () => ({
    contract: contract([command({ network: "full", proposed_effect_type: "fetch_external" })]),
    policy: policy({ network: "deny", allowed_effect_types: ["observe", "fetch_external"] }),
  }),
  SECRET_REF_NOT_ALLOWED: () => ({
    contract: contract([command({ secret_refs: ["vault://x"], proposed_effect_type: "touch_secrets" })]),
    policy: policy({ allowed_effect_types: ["observe", "touch_secrets"] }),
  }),
  PATH_NOT_ABSOLUTE: () => ({ contract: contract([command({ read_paths: ["C:\\workspace"] })]) }),
  CWD_NOT_ALLOWED: () => ({ contract: contract([command({ cwd: "/etc" })]) }),
  READ_SCOPE_DENIED: () => ({ contract: contract([command({ read_paths: ["/workspace/../etc/passwd"] })]) }),
  WRITE_SCOPE_DENIED: () => ({
    contract: contract([command({ write_paths: ["/workspace/src/**"], proposed_effect_type: "transform_local" })]),
  }),
  WRITE_PATHS_NOT_EMPTY: () => ({
    contract: contract([command({ write_paths: ["/workspace/out/**"], proposed_effect_type: "transform_local" })]),
    policy: policy({ require_write_paths_empty: true }),
  }),
  EFFECT_RECLASSIFIED: () => ({ contract: contract([command({ write_paths: ["/workspace/out/x"] })]) }),
  INLINE_CODE_DENIED: () => ({ contract: contract([command({ exec: { argv: ["python3", "-I", "-c", "x"] } })]) }),
  PIPELINE_STDIN_PROGRAM: () => ({
    contract: contract([
      command({ exec: undefined, pipeline: { segments: [{ argv: ["cat", "/workspace/a.sh"] }, { argv: ["sh"] }] } }),
    ]),
  }),
  ENV_NOT_ALLOWED: () => ({ contract: contract([command({ env_allow: ["AWS_SECRET_ACCESS_KEY"] })]) }),
  EXECUTABLE_NOT_FOUND: () => ({ contract: contract([command({ exec: { argv: ["no-such-git"] } })]) }),
  EXECUTABLE_NOT_TRUSTED: () => ({ contract: contract([command({ exec: { argv: ["/tmp/evil/git", "status"] } })]) }),
  PATH_GLOB_UNSUPPORTED: () => ({ contract: contract([command({ read_paths: ["/workspace/*.ts"] })]) }),
  NETWORK_ALLOWLIST_UNSUPPORTED: () => ({
    contract: contract([command({ network: "allowlisted", proposed_effect_type: "fetch_external" })]),
    policy: policy({ allowed_effect_types: ["observe", "fetch_external"] }),
  }),
  TOLLGATE_STATE_PROTECTED: () => ({
    contract: contract([command({ read_paths: ["/home/**"] })]),
    policy: policy({ allowed_read_prefixes: ["/"] }),
  }),
};

describe("one decision per reason code", () => {
  test("every reason code has a producer here", () => {
    expect(Object.keys(PRODUCERS).sort()).toEqual([...REASON_CODES].sort());
  });

  test("the clean contract is allowed with ALLOW alone", () => {
    const evaluation = evaluate(contract(), policy(), options());
    expect(evaluation.decision.decision).toBe("allow");
    expect(evaluation.decision.reason_codes).toEqual(["ALLOW"]);
    expect(evaluation.commands[0]?.codes).toEqual([]);
  });

  for (const code of REASON_CODES.filter((c) => c !== "ALLOW")) {
    test(`${code} is produced, with a reason naming the command or contract`, () => {
      const made = PRODUCERS[code]();
      const evaluation = evaluate(made.contract, made.policy ?? policy(), options());
      expect(evaluation.decision.reason_codes).toContain(code);
      const finding = [...evaluation.contractFindings, ...evaluation.commands.flatMap((c) => c.findings)].find(
        (f) => f.code === code,
      );
      expect(finding?.reason).toMatch(/^(command cmd_1( \(pipeline segment \d\))?|contract): /);
      expect(evaluation.decision.reasons).toContain(finding?.reason as string);
      // The same policy does not produce it for the clean contract.
      expect(codesOf(contract(), made.policy ?? policy())).not.toContain(code);
    });
  }

  test("the decision document validates against the CSC PolicyDecision schema", () => {
    for (const code of REASON_CODES) {
      const made = PRODUCERS[code]();
      const decision = evaluate(made.contract, made.policy ?? policy(), options()).decision;
      expect(parsePolicyDecision(decision)).toEqual(decision);
    }
  });
});

describe("weakness 2: every check on every command, deny beats approval", () => {
  const bad = (): Command[] => [
    command({ id: "a", exec: { argv: ["rm", "-rf", "/"] }, timeout_sec: 600 }),
    command({ id: "b", cwd: "/etc", env_allow: ["PATH"], network: "allowlisted" }),
    command({ id: "c", exec: { argv: ["python3", "-c", "x"] }, read_paths: ["/root/**"], secret_refs: ["s"] }),
  ];

  test("a contract with 3 bad commands reports every code of every command", () => {
    const evaluation = evaluate(contract(bad(), { risk_class: "high" }), policy(), options());
    const byId = Object.fromEntries(evaluation.commands.map((c) => [c.id, c.codes]));
    expect(byId.a).toEqual(["COMMAND_NOT_ALLOWED", "TIMEOUT_EXCEEDS_POLICY"]);
    expect(byId.b).toEqual([
      "EFFECT_RECLASSIFIED",
      "EFFECT_TYPE_NOT_ALLOWED",
      "NETWORK_ALLOWLIST_UNSUPPORTED",
      "ENV_NOT_ALLOWED",
      "CWD_NOT_ALLOWED",
    ]);
    expect(byId.c).toEqual([
      "INLINE_CODE_DENIED",
      "EFFECT_RECLASSIFIED",
      "EFFECT_TYPE_NOT_ALLOWED",
      "SECRET_REF_NOT_ALLOWED",
      "READ_SCOPE_DENIED",
    ]);
    expect(evaluation.decision.reason_codes[0]).toBe("RISK_CLASS_NOT_ALLOWED");
    expect(evaluation.decision.reasons.filter((r) => r.startsWith("command c:"))).toHaveLength(5);
    expect(evaluation.plans).toEqual([]);
  });

  test("a command that needs approval still gets every other check: an approved contract cannot run a command that was never allowlisted", () => {
    const c = contract([command({ exec: { argv: ["rm", "-rf", "/"] } })], { approval_mode: "human_required" });
    const evaluation = evaluate(c, policy(), options());
    expect(evaluation.decision.decision).toBe("deny");
    expect(evaluation.decision.reason_codes).toEqual(["APPROVAL_REQUIRED", "COMMAND_NOT_ALLOWED"]);
  });

  test("every pipeline segment and every wrapped command is checked", () => {
    const c = contract([
      command({
        exec: undefined,
        pipeline: { segments: [{ argv: ["cat", "/workspace/x"] }, { argv: ["timeout", "5", "wc", "-l"] }] },
      }),
    ]);
    const evaluation = evaluate(c, policy(), options());
    expect(evaluation.decision.reasons).toEqual([
      'command cmd_1 (pipeline segment 2): "wc" is not in the policy\'s allow_commands [git, cat, grep, python3, node, sh, bash, env, timeout, xargs, jq, curl]; use one of those programs',
    ]);
  });
});

describe("deny beats needs_approval", () => {
  test("approval_mode and a manual-approval effect ask for approval; any deny code wins", () => {
    const needs = evaluate(contract(undefined, { approval_mode: "dual_control_required" }), policy(), options());
    expect(needs.decision.decision).toBe("needs_approval");
    expect(needs.plans).toHaveLength(1);
    const manual = policy({ manual_approval_for_classified_effect_types: ["transform_local"] });
    const writes = contract([command({ write_paths: ["/workspace/out/**"], proposed_effect_type: "transform_local" })]);
    expect(evaluate(writes, manual, options()).decision.reason_codes).toEqual(["APPROVAL_REQUIRED"]);
    const reclassified = contract([command({ proposed_effect_type: "transform_local", network: "full" })]);
    const approvalForProposed = policy({
      allowed_effect_types: ["transform_local", "fetch_external"],
      manual_approval_for_classified_effect_types: ["transform_local"],
    });
    expect(evaluate(reclassified, approvalForProposed, options()).decision.reason_codes).toEqual([
      "EFFECT_RECLASSIFIED",
      "APPROVAL_REQUIRED",
    ]);
    const both = contract([command({ timeout_sec: 999 })], { approval_mode: "human_required" });
    expect(evaluate(both, policy(), options()).decision.decision).toBe("deny");
  });
});

describe("weakness 3: paths and argv forms", () => {
  test("/workspace/../etc/passwd is denied as a read, a write and a cwd", () => {
    const c = contract([
      command({
        cwd: "/workspace/../etc",
        read_paths: ["/workspace/../etc/passwd"],
        write_paths: ["/workspace/out/../../etc/cron.d/**"],
        proposed_effect_type: "transform_local",
      }),
    ]);
    expect(codesOf(c)).toEqual(["CWD_NOT_ALLOWED", "READ_SCOPE_DENIED", "WRITE_SCOPE_DENIED"]);
  });

  test("/workspace-evil is not under /workspace", () => {
    expect(codesOf(contract([command({ cwd: "/workspace-evil" })]))).toEqual(["CWD_NOT_ALLOWED"]);
  });

  test("a symlink that leads out of the workspace is judged where it leads", () => {
    const o = options({ fs: fakeFs({ "/workspace/repo/link": "/etc" }) });
    expect(codesOf(contract([command({ read_paths: ["/workspace/repo/link/**"] })]), policy(), o)).toEqual([
      "READ_SCOPE_DENIED",
    ]);
  });

  test('["python3", "-c"] as a deny prefix catches ["python3", "-I", "-c", ...]', () => {
    expect(matchesDenyPrefix(["python3", "-I", "-c", "x"], ["python3", "-c"])).toBe(true);
    expect(matchesDenyPrefix(["/usr/bin/python3", "-c", "x"], ["python3", "-c"])).toBe(true);
    expect(matchesDenyPrefix(["python3", "--", "-c"], ["python3", "-c"])).toBe(false);
    expect(matchesDenyPrefix(["python3", "-I", "x.py"], ["python3", "-c"])).toBe(false);
    expect(matchesDenyPrefix(["node", "-c"], ["python3", "-c"])).toBe(false);
    const p = policy({ deny_argv_prefixes: [["python3", "-c"]], tollgate: { allow_inline_code: true } });
    expect(codesOf(contract([command({ exec: { argv: ["python3", "-I", "-c", "x"] } })]), p)).toEqual([
      "ARGV_PREFIX_DENIED",
    ]);
  });

  test("a deny prefix matches as the first, indexOf-based matcher did, on any argv (property)", () => {
    const reference = (argv: readonly string[], prefix: readonly string[]) => {
      const name = (arg0: string) => arg0.slice(arg0.lastIndexOf("/") + 1);
      if (name(argv[0] ?? "") !== name(prefix[0] ?? "")) return false;
      const end = argv.indexOf("--") === -1 ? argv.length : argv.indexOf("--");
      return prefix.slice(1).every((word) => {
        const at = argv.indexOf(word, 1);
        return at !== -1 && at < end;
      });
    };
    const word = fc.constantFrom("python3", "/usr/bin/python3", "git", "--", "-c", "-I", "push", "x");
    fc.assert(
      fc.property(fc.array(word, { maxLength: 7 }), fc.array(word, { minLength: 1, maxLength: 3 }), (argv, prefix) => {
        expect(matchesDenyPrefix(argv, prefix)).toBe(reference(argv, prefix));
      }),
      { numRuns: 3000 },
    );
  });

  test("a deny prefix also applies to what a wrapper runs", () => {
    expect(codesOf(contract([command({ exec: { argv: ["env", "git", "push"] } })]))).toContain("ARGV_PREFIX_DENIED");
  });
});

describe("weakness 4: env_allow and secrets", () => {
  test("env_allow is checked against tollgate.allowed_env; the plan's env holds only allowed, present values", () => {
    const c = contract([command({ env_allow: ["CI", "HOME"] })]);
    expect(codesOf(c)).toEqual(["ENV_NOT_ALLOWED"]);
    const p = policy({ tollgate: { allowed_env: ["CI", "HOME", "LANG"] } });
    const evaluation = evaluate(contract([command({ env_allow: ["CI", "LANG"] })]), p, options());
    expect(evaluation.decision.decision).toBe("allow");
    expect(evaluation.plans[0]?.env).toEqual({ CI: "true" });
  });

  test("secret refs: refused without allow_secret_refs, limited by allowed_secret_refs, passed on unresolved", () => {
    const p = (tollgate: Record<string, unknown> = {}) =>
      policy({ allow_secret_refs: true, allowed_effect_types: ["observe", "touch_secrets"], tollgate });
    const c = contract([command({ secret_refs: ["vault://ci/token"], proposed_effect_type: "touch_secrets" })]);
    const allowed = evaluate(c, p(), options());
    expect(allowed.decision.decision).toBe("allow");
    expect(allowed.commands[0]?.secretRefs).toEqual(["vault://ci/token"]);
    expect(allowed.plans[0]?.secretNames).toEqual([]);
    expect(JSON.stringify(allowed)).not.toContain("canary-1f2e3d");
    expect(codesOf(c, p({ allowed_secret_refs: ["vault://other"] }))).toEqual(["SECRET_REF_NOT_ALLOWED"]);
  });
});

describe("executables", () => {
  test("a bare name is resolved on PATH and the resolved file is what the plan runs", () => {
    const o = options({ fs: fakeFs({ "/usr/bin/python3": "/usr/bin/python3.11" }) });
    const evaluation = evaluate(contract([command({ exec: { argv: ["python3", "x.py"] } })]), policy(), o);
    expect(evaluation.commands[0]?.executables).toEqual(["/usr/bin/python3.11"]);
    expect(evaluation.plans[0]?.segments).toEqual([["/usr/bin/python3.11", "x.py"]]);
  });

  test("an absolute argv[0] named like an allowed program must lie in a trusted folder", () => {
    expect(codesOf(contract([command({ exec: { argv: ["/tmp/evil/git", "status"] } })]))).toEqual([
      "EXECUTABLE_NOT_TRUSTED",
    ]);
    expect(codesOf(contract([command({ exec: { argv: ["/usr/bin/../../tmp/git"] } })]))).toEqual([
      "EXECUTABLE_NOT_TRUSTED",
    ]);
    expect(codesOf(contract([command({ exec: { argv: ["/usr/bin/git", "status"] } })]))).toEqual(["ALLOW"]);
    const trusted = policy({ tollgate: { executable_dirs: ["/opt/tools/**"] } });
    expect(codesOf(contract([command({ exec: { argv: ["/opt/tools/bin/git", "status"] } })]), trusted)).toEqual([
      "ALLOW",
    ]);
  });

  test("a relative argv[0] and a program inside the contract's write paths are not trusted", () => {
    expect(codesOf(contract([command({ exec: { argv: ["./git"] } })]))).toEqual(["EXECUTABLE_NOT_TRUSTED"]);
    const p = policy({ allowed_write_prefixes: ["/opt/tools"], tollgate: { executable_dirs: ["/opt/tools"] } });
    const c = contract([
      command({ id: "w", write_paths: ["/opt/tools/**"], proposed_effect_type: "transform_local" }),
      command({ id: "r", exec: { argv: ["/opt/tools/git"] } }),
    ]);
    expect(evaluate(c, p, options()).commands[1]?.codes).toEqual(["EXECUTABLE_NOT_TRUSTED"]);
  });
});

describe("effect classification", () => {
  const classified = (overrides: Partial<Command>, p = policy()) =>
    evaluate(contract([command(overrides)]), p, options()).decision.classified_effects?.[0]?.effect_type;

  test("table-driven, through wrappers and pipelines, only ever upward", () => {
    expect(classified({ exec: { argv: ["git", "push"] } })).toBe("mutate_repo");
    expect(classified({ exec: { argv: ["timeout", "9", "git", "commit", "-m", "x"] } })).toBe("mutate_repo");
    expect(classified({ exec: { argv: ["curl", "https://x"] } })).toBe("fetch_external");
    expect(classified({ exec: { argv: ["npm", "install"] } })).toBe("fetch_external");
    expect(classified({ exec: { argv: ["kubectl", "apply", "-f", "x"] } })).toBe("deploy");
    expect(classified({ exec: { argv: ["git", "status"] }, write_paths: ["/workspace/out"] })).toBe("transform_local");
    expect(classified({ exec: { argv: ["git", "status"] }, network: "full" })).toBe("fetch_external");
    expect(classified({ exec: { argv: ["git", "status"] }, proposed_effect_type: "deploy" })).toBe("deploy");
    expect(
      classified({ exec: undefined, pipeline: { segments: [{ argv: ["git", "log"] }, { argv: ["vault", "read"] }] } }),
    ).toBe("touch_secrets");
  });

  test("EFFECT_RECLASSIFIED alone does not deny; the classified effect must be allowed too", () => {
    const writes = contract([command({ write_paths: ["/workspace/out/x"] })]);
    expect(codesOf(writes)).toEqual(["ALLOW", "EFFECT_RECLASSIFIED"]);
    expect(codesOf(contract([command({ exec: { argv: ["curl", "https://x"] } })]))).toEqual([
      "EFFECT_RECLASSIFIED",
      "EFFECT_TYPE_NOT_ALLOWED",
    ]);
  });
});

describe("protected tollgate state", () => {
  test("a path that covers or lies in the config folder is refused, as a cwd, a read or a write", () => {
    const p = policy({ allowed_cwd_prefixes: ["/"], allowed_read_prefixes: ["/"], allowed_write_prefixes: ["/"] });
    for (const overrides of [
      { read_paths: ["/home/u/**"] },
      { read_paths: ["/home/u/.config/tollgate/keys/team.jwk"] },
      { cwd: "/home/u/.config" },
      { write_paths: ["/"], proposed_effect_type: "transform_local" as const },
    ]) {
      expect(codesOf(contract([command(overrides)]), p)).toContain("TOLLGATE_STATE_PROTECTED");
    }
    expect(codesOf(contract([command({ read_paths: ["/home/u/.config/other"] })]), p)).toEqual(["ALLOW"]);
  });
});

describe("paths met again in one evaluation", () => {
  test("each command gets its own findings for a shared path, and each field is judged by its own prefixes", () => {
    const shared = { read_paths: ["/workspace/repo/**", "/etc/**"], write_paths: ["/workspace/repo/**"] };
    const c = contract([
      command({ id: "a", ...shared, proposed_effect_type: "transform_local" }),
      command({ id: "b", cwd: "/workspace/repo/**", ...shared, proposed_effect_type: "transform_local" }),
    ]);
    const evaluation = evaluate(c, policy({ allowed_write_prefixes: ["/workspace/repo/out"] }), options());
    expect(evaluation.commands.map((result) => result.findings.map((finding) => finding.reason))).toEqual(
      ["a", "b"].map((id) => [
        `command ${id}: read_paths "/etc/**" is outside the policy's allowed_read_prefixes [/workspace]; use a path under one`,
        `command ${id}: write_paths "/workspace/repo/**" is outside the policy's allowed_write_prefixes [/workspace/repo/out]; use a path under one`,
      ]),
    );
  });
});

describe("the plan", () => {
  test("normalised paths, timeout in ms, limits from defaults or tollgate.limits, network", () => {
    const p = policy({
      allowed_effect_types: ["fetch_external"],
      tollgate: { limits: { cpu_seconds: 30, memory_bytes: 1024 } },
    });
    const c = contract([
      command({
        cwd: "/workspace/repo/./",
        read_paths: ["/workspace/repo/**", "/workspace/x/../y"],
        write_paths: ["/workspace/out/**"],
        proposed_effect_type: "fetch_external",
        timeout_sec: 7,
        network: "full",
      }),
    ]);
    const [plan] = evaluate(c, p, options()).plans;
    expect(plan).toEqual({
      id: "cmd_1",
      segments: [["/usr/bin/git", "status"]],
      cwd: "/workspace/repo",
      readPaths: ["/workspace/repo", "/workspace/y"],
      writePaths: ["/workspace/out"],
      network: "full",
      env: {},
      secretNames: [],
      timeoutMs: 7000,
      limits: { cpuSeconds: 30, addressSpaceBytes: 1024, openFiles: 1024, processes: 256, fileSizeBytes: 1024 ** 3 },
    });
  });

  test("the decision carries the hashes, the policy name and an expiry shortly after now", () => {
    const c = contract();
    const p = policy();
    const evaluation = evaluate(c, p, options({ validitySeconds: 60 }));
    expect(evaluation.decision.contract_sha256).toBe(contractSha256(c));
    expect(evaluation.policySha256).toBe(policySha256(p));
    expect(evaluation.decision.policy_profile).toBe("test-policy");
    expect(evaluation.decision.expires_at).toBe(new Date(NOW.getTime() + 60_000).toISOString());
  });
});

describe("hashes", () => {
  test("the hash is of the parsed document: key order and whitespace do not matter, content does", () => {
    const input = contractInput();
    const reordered = Object.fromEntries(Object.entries(input).reverse());
    expect(contractSha256(parseContract(reordered))).toBe(contractSha256(parseContract(input)));
    expect(contractSha256(parseContract(contractInput(undefined, { intent: "other" })))).not.toBe(
      contractSha256(parseContract(input)),
    );
    expect(contractSha256(contract())).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("properties of evaluation", () => {
  const pool: Command[] = [
    command({ id: "ok1" }),
    command({ id: "ok2", exec: { argv: ["cat", "/workspace/x"] } }),
    command({ id: "bad1", exec: { argv: ["rm", "x"] } }),
    command({ id: "bad2", cwd: "/etc" }),
    command({ id: "bad3", exec: { argv: ["sh", "-c", "x"] } }),
    command({ id: "writes", write_paths: ["/workspace/out/**"], proposed_effect_type: "transform_local" }),
    command({ id: "net", network: "full", proposed_effect_type: "fetch_external" }),
  ];
  const subset = fc.uniqueArray(fc.constantFrom(...pool), {
    minLength: 1,
    maxLength: pool.length,
    selector: (c) => c.id,
  });
  const approval = fc.constantFrom("policy_only", "human_required");
  const manual = policy({ manual_approval_for_classified_effect_types: ["transform_local"] });

  test("adding a command never turns a deny into an allow, nor needs_approval into allow", () => {
    fc.assert(
      fc.property(subset, fc.constantFrom(...pool), approval, (commands, extra, mode) => {
        if (commands.some((c) => c.id === extra.id)) return;
        const before = evaluate(contract(commands, { approval_mode: mode }), manual, options()).decision.decision;
        const after = evaluate(contract([...commands, extra], { approval_mode: mode }), manual, options()).decision
          .decision;
        if (before === "deny") expect(after).toBe("deny");
        if (before === "needs_approval") expect(after).not.toBe("allow");
      }),
    );
  });

  test("permuting commands does not change the decision or the set of codes", () => {
    fc.assert(
      fc.property(subset, approval, (commands, mode) => {
        const a = evaluate(contract(commands, { approval_mode: mode }), manual, options()).decision;
        const b = evaluate(contract([...commands].reverse(), { approval_mode: mode }), manual, options()).decision;
        expect(b.decision).toBe(a.decision);
        expect([...b.reason_codes].sort()).toEqual([...a.reason_codes].sort());
      }),
    );
  });

  test("a contract is allowed only when each of its commands alone is allowed", () => {
    fc.assert(
      fc.property(subset, (commands) => {
        const all = evaluate(contract(commands), manual, options()).decision.decision;
        const each = commands.map((c) => evaluate(contract([c]), manual, options()).decision.decision);
        expect(all === "allow").toBe(each.every((d) => d === "allow"));
      }),
    );
  });
});

describe("path verdicts remembered across evaluations", () => {
  test("one policy and file-system view judge a path once, yet other protected paths still get their own verdict", () => {
    const p = policy({ allowed_cwd_prefixes: ["/"], allowed_read_prefixes: ["/"], allowed_write_prefixes: ["/"] });
    const fs = fakeFs();
    const reading = contract([command({ read_paths: ["/home/u/.config/tollgate/keys/../keys"] })]);
    const guarded = options({ fs, protectedPaths: ["/home/u/.config/tollgate"] });
    expect(codesOf(reading, p, guarded)).toContain("TOLLGATE_STATE_PROTECTED");
    expect(codesOf(reading, p, guarded)).toContain("TOLLGATE_STATE_PROTECTED");
    // The same policy and view with nothing protected: not the verdict remembered above.
    expect(codesOf(reading, p, options({ fs, protectedPaths: [] }))).toEqual(["ALLOW"]);
    expect(codesOf(reading, p, guarded)).toContain("TOLLGATE_STATE_PROTECTED");
  });
});
