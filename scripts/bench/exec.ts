/**
 * `bun run bench:exec`: what tollgate's executor adds to running a command.
 * (a) local mode: `tollgate exec --mode local` (the compiled dist/tollgate)
 *     against spawning the same argv directly; when the binary has no `exec`
 *     command yet, the executor API in-process against a direct spawn.
 *     For reading (a), two more lines: `tollgate --version` (the runtime's
 *     start alone), and a compiled program that does only what any `exec`
 *     must (start, run the argv under prlimit, write an fsync'd record:
 *     exec-floor.ts), so the platform's share and tollgate's own show apart.
 * (b) hardened mode: the executor API against running bwrap by hand with the
 *     same arguments.
 * Medians over interleaved runs. Exits 1 when a target is missed.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { realHost } from "../../src/sandbox/bwrap.ts";
import { bwrapArgs } from "../../src/sandbox/bwrap-args.ts";
import { execute } from "../../src/sandbox/executor.ts";
import { prlimitPrefix } from "../../src/sandbox/limits.ts";
import type { CommandPlan } from "../../src/sandbox/plan.ts";
import { findTool } from "../../src/sandbox/preflight.ts";
import { compile } from "../compile.ts";
import { median } from "./stats.ts";

const WARMUP_RUNS = 5;
const RUNS = 40;
const LOCAL_TARGET_MS = 15;
const HARDENED_TARGET_MS = 10;
const ROOT = join(import.meta.dir, "..", "..");
const BINARY = join(ROOT, "dist", "tollgate");

type Timed = () => Promise<void> | void;

/** Median ms of `subject` and `reference`, run alternately so noise hits both alike. */
async function compare(subject: Timed, reference: Timed): Promise<{ subject: number; reference: number }> {
  const times = { subject: [] as number[], reference: [] as number[] };
  const time = async (run: Timed) => {
    const started = performance.now();
    await run();
    return performance.now() - started;
  };
  for (let run = 0; run < WARMUP_RUNS; run++) {
    await time(subject);
    await time(reference);
  }
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? (["subject", "reference"] as const) : (["reference", "subject"] as const);
    for (const which of order) times[which].push(await time(which === "subject" ? subject : reference));
  }
  return { subject: median(times.subject), reference: median(times.reference) };
}

function spawnOk(argv: string[], env: Record<string, string> = {}): void {
  const [file, ...args] = argv as [string, ...string[]];
  const result = spawnSync(file, args, { stdio: "ignore", env });
  if (result.status !== 0) throw new Error(`${argv.join(" ")} exited with ${result.status ?? result.signal}`);
}

const dir = realpathSync(mkdtempSync(join(tmpdir(), "tollgate-bench-exec-")));
let missed = false;
const report = (name: string, result: { subject: number; reference: number }, target: number) => {
  const extra = result.subject - result.reference;
  const ok = extra <= target;
  missed ||= !ok;
  console.log(
    `${name}\n  tollgate ${result.subject.toFixed(1)} ms, reference ${result.reference.toFixed(1)} ms: +${extra.toFixed(1)} ms (target <= +${target} ms) ${ok ? "ok" : "MISSED"}`,
  );
};

try {
  const true_ = "/usr/bin/true";
  const plan: CommandPlan = {
    id: "bench",
    segments: [[true_]],
    cwd: dir,
    readPaths: [],
    writePaths: [],
    network: "deny",
    env: { PATH: "/usr/bin:/bin" },
    secretNames: [],
    timeoutMs: 10_000,
    limits: {
      cpuSeconds: 60,
      addressSpaceBytes: 4 * 1024 ** 3,
      openFiles: 1024,
      processes: 256,
      fileSizeBytes: 1024 ** 3,
    },
  };

  const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.ts")], { stdio: "inherit" });
  if (build.status !== 0) throw new Error("bun scripts/build.ts failed");
  const hasExec = spawnSync(BINARY, ["exec", "--help"], { stdio: "ignore" }).status === 0;
  if (hasExec) {
    mkdirSync(join(dir, "receipts"));
    const contract = join(dir, "contract.json");
    writeFileSync(
      contract,
      JSON.stringify({
        version: "csc.v0.1",
        contract_id: "bench-exec-0001",
        intent: "benchmark",
        actor: { agent_id: "bench", session_id: "bench", initiating_user: "bench", delegation_scope: "bench" },
        commands: [
          {
            id: "bench",
            exec: { argv: ["true"] },
            cwd: dir,
            read_paths: [],
            write_paths: [],
            network: "deny",
            env_allow: [],
            secret_refs: [],
            timeout_sec: 10,
            proposed_effect_type: "observe",
          },
        ],
        risk_class: "low",
        approval_mode: "policy_only",
        justification: "benchmark",
      }),
    );
    const policy = join(dir, "policy.yaml");
    // Block-style YAML, as policies are written (the CSC examples), not JSON posing as YAML.
    writeFileSync(
      policy,
      [
        "policy_schema_version: csc.policy.v0.1",
        "name: bench",
        'allow_commands: ["true"]',
        "allowed_effect_types: [observe]",
        "allowed_risk_classes: [low]",
        "max_timeout_sec: 60",
        "network: deny",
        "allow_secret_refs: false",
        "allowed_cwd_prefixes:",
        `  - ${dir}`,
        "allowed_read_prefixes:",
        `  - ${dir}`,
        "",
      ].join("\n"),
    );
    // HOME outside the contract's cwd: a cwd covering tollgate's own keys folder is denied.
    const env = {
      PATH: "/usr/bin:/bin",
      HOME: realpathSync(mkdtempSync(join(tmpdir(), "tollgate-bench-home-"))),
      NO_COLOR: "1",
    };
    const receiptOut = join(dir, "receipts", "r.json");
    report(
      "(a) local: `tollgate exec --mode local` (compiled) vs spawning /usr/bin/true directly",
      await compare(
        () =>
          spawnOk([BINARY, "exec", contract, "--policy", policy, "--mode", "local", "--receipt-out", receiptOut], env),
        () => spawnOk([true_]),
      ),
      LOCAL_TARGET_MS,
    );
    // For reading (a): what the runtime costs before any command code runs.
    const startup = await compare(
      () => spawnOk([BINARY, "--version"], env),
      () => spawnOk([true_]),
    );
    console.log(
      `  of which start-up alone (\`tollgate --version\`, ${startup.subject.toFixed(1)} ms): +${(startup.subject - startup.reference).toFixed(1)} ms`,
    );
    const floorBinary = join(dir, "exec-floor");
    compile({ entry: join(import.meta.dir, "exec-floor.ts"), outfile: floorBinary });
    const prlimit = findTool("prlimit");
    if (!prlimit) throw new Error("prlimit is needed for the floor");
    const floorArgv = [floorBinary, join(dir, "receipts", "floor.json"), ...prlimitPrefix(prlimit, plan.limits), true_];
    const floor = await compare(
      () => spawnOk(floorArgv, env),
      () => spawnOk([true_]),
    );
    console.log(
      `  the platform's floor (a compiled program that only starts, runs it under prlimit and fsyncs a record, ${floor.subject.toFixed(1)} ms): +${(floor.subject - floor.reference).toFixed(1)} ms`,
    );
  } else {
    console.log("dist/tollgate has no `exec` command yet: (a) measures the executor API in-process instead");
    report(
      "(a) local: execute() in-process vs spawning /usr/bin/true directly",
      await compare(
        async () => {
          const outcome = await execute([plan], { mode: "local" });
          if (outcome.commands[0]?.status !== "success") throw new Error("local run failed");
        },
        () => spawnOk([true_]),
      ),
      LOCAL_TARGET_MS,
    );
  }

  const bwrap = findTool("bwrap");
  const prlimit = findTool("prlimit");
  if (!bwrap || !prlimit) throw new Error("bwrap and prlimit are needed for (b)");
  const [byHand = []] = bwrapArgs(plan, realHost(prlimit, { [true_]: realpathSync(true_) }, []));
  const status = byHand.indexOf("--json-status-fd");
  byHand.splice(status, 2);
  report(
    "(b) hardened: execute() in-process vs running bwrap by hand with the same arguments",
    await compare(
      async () => {
        const outcome = await execute([plan], { mode: "hardened", hidden: [] });
        if (outcome.commands[0]?.status !== "success")
          throw new Error(`hardened run: ${outcome.commands[0]?.sandboxError}`);
      },
      () => spawnOk([bwrap, ...byHand]),
    ),
    HARDENED_TARGET_MS,
  );
  console.log(`\n${RUNS} runs each after ${WARMUP_RUNS} warm-up runs, interleaved`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(missed ? 1 : 0);
