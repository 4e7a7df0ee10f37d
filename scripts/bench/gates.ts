/**
 * `bun run bench:gates`: the gate runner's three numbers, each measured
 * against its reference in the same run, on copies of the fixture projects
 * and with the compiled binary (built from the current source):
 *
 * 1. Orchestration: `tollgate ci --no-cache` on the TypeScript fixture against
 *    the same tool commands run by hand, in the same parallel arrangement
 *    (the same number at once), alternating. Target <= 1.1x.
 * 2. Cache: a second `tollgate ci` on the unchanged tree against the first
 *    (each pair with an empty cache folder). Target <= 10%.
 * 3. Parallelism: a stage of two independent slow gates (1 s and 1.5 s)
 *    against the slower one and their sum. Target: closer to the slower.
 *
 * Exits 1 when a target is missed.
 */
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { buildFor, hostTarget } from "../build.ts";
import { median } from "./stats.ts";

const ROOT = join(import.meta.dir, "../..");
const RUNS = 7;
const MAX_ORCHESTRATION = 1.1;
const MAX_CACHED_SHARE = 0.1;

const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-gates-"));
const binary = join(dir, "tollgate");
const env = (cache: string) => ({
  PATH: `${join(ROOT, "node_modules/.bin")}:${process.env.PATH ?? "/usr/bin:/bin"}`,
  HOME: dir,
  XDG_CACHE_HOME: cache,
  XDG_CONFIG_HOME: join(dir, "config"),
  NO_COLOR: "1",
});

interface Report {
  gates: { command?: string[]; cached: boolean; verdict: string }[];
}

function tollgate(args: string[], cwd: string, cache: string): { ms: number; report: Report } {
  const started = performance.now();
  const result = spawnSync(binary, [...args, "--json"], { cwd, env: env(cache), encoding: "utf8" });
  const ms = performance.now() - started;
  if (result.status === null || result.status > 1) throw new Error(`tollgate ${args.join(" ")}: ${result.stderr}`);
  return { ms, report: JSON.parse(result.stdout) };
}

/** The argv lists run `limit` at a time, as plain child processes; the wall time. */
async function byHand(commands: string[][], cwd: string, cache: string, limit: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < commands.length) {
      const [file, ...args] = commands[next++] as [string, ...string[]];
      await new Promise<void>((resolve) => {
        // The variables tollgate gives every tool (src/gates/steps.ts), so both sides run the tools alike.
        const toolEnv = {
          ...env(cache),
          CI: "true",
          FORCE_COLOR: "0",
          PYTHONDONTWRITEBYTECODE: "1",
          PYTHONUNBUFFERED: "1",
        };
        spawn(file, args, { cwd, env: toolEnv, stdio: "ignore" }).on("close", () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return performance.now() - started;
}

function fixture(name: string): string {
  const copy = join(mkdtempSync(join(dir, "fixture-")), name);
  cpSync(join(ROOT, "test/fixtures/gates/projects", name), copy, { recursive: true });
  return copy;
}

const verdict = (ok: boolean) => (ok ? "ok" : "MISSED");

try {
  buildFor(hostTarget(), binary);
  const ts = fixture("ts-pkg");
  const cache = join(dir, "cache");
  // The steps tollgate runs (each once, as the runner dedupes them), from its own report.
  const { report } = tollgate(["ci", "--no-cache"], ts, cache);
  const commands = [
    ...new Map(
      report.gates.flatMap((gate) => (gate.command ? [[JSON.stringify(gate.command), gate.command]] : [])),
    ).values(),
  ];
  const limit = Math.max(1, availableParallelism());
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 === 0 ? ["tollgate", "hand"] : ["hand", "tollgate"];
    for (const who of order) {
      if (who === "tollgate") ours.push(tollgate(["ci", "--no-cache"], ts, cache).ms);
      else theirs.push(await byHand(commands, ts, cache, limit));
    }
  }
  const orchestration = median(ours) / median(theirs);

  const shares: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const fresh = join(dir, `cache-${run}`);
    const first = tollgate(["ci"], ts, fresh);
    const second = tollgate(["ci"], ts, fresh);
    if (!second.report.gates.every((gate) => gate.cached || gate.verdict === "missing")) {
      throw new Error("the second run was not served from the cache");
    }
    shares.push(second.ms / first.ms);
  }
  const cachedShare = median(shares);

  const slow = join(dir, "slow");
  cpSync(join(ROOT, "test/fixtures/gates/projects/ts-clean"), slow, { recursive: true });
  const sleeper = (name: string, seconds: string) =>
    `[[gates.custom]]\nname = "${name}"\ncommand = ["sleep", "${seconds}"]\nparser = "exit-code"\nstages = ["ci"]\n`;
  writeFileSync(join(slow, "tollgate.toml"), `${sleeper("sleep-one", "1")}\n${sleeper("sleep-two", "1.5")}`);
  const walls: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    walls.push(tollgate(["ci", "--no-cache", "--only=acceptance"], slow, join(dir, "cache-slow")).ms);
  }
  const wall = median(walls);
  const slower = 1500;
  const sum = 2500;

  const rows = [
    [
      "orchestration",
      `${median(ours).toFixed(0)} ms vs ${median(theirs).toFixed(0)} ms by hand (${commands.length} commands, ${limit} at a time)`,
      `${orchestration.toFixed(3)}x`,
      `<= ${MAX_ORCHESTRATION}x`,
      verdict(orchestration <= MAX_ORCHESTRATION),
    ],
    [
      "cache",
      `second run / first run`,
      `${(cachedShare * 100).toFixed(1)}%`,
      `<= ${MAX_CACHED_SHARE * 100}%`,
      verdict(cachedShare <= MAX_CACHED_SHARE),
    ],
    [
      "parallelism",
      `two gates of 1 s and 1.5 s: ${wall.toFixed(0)} ms`,
      `${(wall / slower).toFixed(2)}x the slower, ${(wall / sum).toFixed(2)}x the sum`,
      "closer to the slower",
      verdict(wall - slower < sum - wall),
    ],
  ];
  for (const row of rows) process.stdout.write(`${row.join("  |  ")}\n`);
  const missed = rows.some((row) => row.at(-1) === "MISSED");
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
