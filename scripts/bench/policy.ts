/**
 * `bun run bench:policy`: policy decisions per second for a 20-command
 * contract (exec and pipeline commands, paths, env, wrappers), in process,
 * with the caching file-system resolver the CLI uses. Target: at least
 * 50,000 decisions per second. Also printed: the rate when the contract's
 * hash is computed afresh each time (a contract not yet loaded and frozen).
 * Exits 1 when the target is missed.
 */
import { cachingFileSystem, evaluate, parseContract, parsePolicy } from "../../src/sandbox/index.ts";

const TARGET_PER_SECOND = 50_000;
const SECONDS = 2;

const programs = [
  ["git", "status", "--short"],
  ["git", "log", "-n", "5", "--oneline"],
  ["cat", "/workspace/app/package.json"],
  ["grep", "-rn", "TODO", "/workspace/app/src"],
  ["timeout", "30", "git", "diff", "--stat"],
  ["env", "ls", "-la", "/workspace/app"],
];

const commands = Array.from({ length: 20 }, (_, i) => {
  const base = {
    id: `cmd_${i + 1}`,
    cwd: "/workspace/app",
    read_paths: ["/workspace/app/**", `/workspace/app/src/module${i}/../shared`],
    write_paths: i % 4 === 0 ? ["/workspace/app/out/**"] : [],
    network: "deny",
    env_allow: ["CI", "LANG"],
    secret_refs: [],
    timeout_sec: 30,
    proposed_effect_type: i % 4 === 0 ? "transform_local" : "observe",
  };
  return i % 5 === 4
    ? { ...base, pipeline: { segments: [{ argv: ["git", "log", "--oneline"] }, { argv: ["grep", "fix"] }] } }
    : { ...base, exec: { argv: programs[i % programs.length] } };
});

const contract = parseContract({
  version: "csc.v0.1",
  contract_id: "bench-contract-0001",
  intent: "inspect the app",
  actor: { agent_id: "agent", session_id: "session", initiating_user: "user", delegation_scope: "repo" },
  commands,
  risk_class: "low",
  approval_mode: "policy_only",
  justification: "benchmark",
});
const policy = parsePolicy({
  policy_schema_version: "csc.policy.v0.1",
  name: "bench",
  allow_commands: ["git", "cat", "grep", "timeout", "env", "ls"],
  deny_argv_prefixes: [
    ["git", "push"],
    ["python3", "-c"],
  ],
  allowed_effect_types: ["observe", "transform_local"],
  allowed_risk_classes: ["low"],
  max_timeout_sec: 60,
  network: "deny",
  allow_secret_refs: false,
  allowed_cwd_prefixes: ["/workspace"],
  allowed_read_prefixes: ["/workspace"],
  allowed_write_prefixes: ["/workspace/app/out"],
  tollgate: { allowed_env: ["CI", "LANG"] },
});

const options = {
  fs: cachingFileSystem(),
  searchPath: "/usr/local/bin:/usr/bin:/bin",
  env: { CI: "true", LANG: "C.UTF-8" },
  protectedPaths: ["/root/.config/tollgate"],
  now: new Date(),
};

function rate(makeContract: () => typeof contract): number {
  const first = evaluate(makeContract(), policy, options);
  if (first.decision.decision !== "allow") {
    throw new Error(`the benchmark contract should be allowed: ${first.decision.reasons.join("; ")}`);
  }
  for (let i = 0; i < 2000; i++) evaluate(makeContract(), policy, options);
  let count = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 500; i++) evaluate(makeContract(), policy, options);
    count += 500;
  }
  return count / ((performance.now() - started) / 1000);
}

const loaded = rate(() => contract);
const fresh = rate(() => structuredClone(contract));
const format = (n: number) => `${Math.round(n).toLocaleString("en-US")} decisions/s (${(1e6 / n).toFixed(1)} µs each)`;
console.log(`policy evaluation, 20-command contract, caching resolver:`);
console.log(
  `  loaded contract (hash cached):  ${format(loaded)}; target >= ${TARGET_PER_SECOND.toLocaleString("en-US")}/s`,
);
console.log(`  fresh contract (hash computed): ${format(fresh)}`);
if (loaded < TARGET_PER_SECOND) {
  console.log("target missed");
  process.exit(1);
}
