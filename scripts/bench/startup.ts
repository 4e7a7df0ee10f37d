/**
 * `bun run bench:startup`: start-up time and size of the compiled tollgate
 * against a hello-world compiled with exactly the same flags, both built from
 * the current source into a temp folder. Runs alternate between the two so
 * machine noise hits both alike. Exits 1 when a target is missed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildFor, hostTarget } from "../build.ts";
import { compile } from "../compile.ts";
import { median } from "./stats.ts";

const WARMUP_RUNS = 5;
const RUNS = 40;
const MAX_TIME_RATIO = 1.3;
const MAX_SIZE_RATIO = 1.15;

interface Subject {
  name: string;
  argv: [string, ...string[]];
  times: number[];
}

function timeRun(subject: Subject): number {
  const [file, ...args] = subject.argv;
  const started = performance.now();
  const result = spawnSync(file, args, { stdio: "ignore" });
  const elapsed = performance.now() - started;
  if (result.status !== 0) throw new Error(`${subject.name} exited with ${result.status ?? result.signal}`);
  return elapsed;
}

const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
try {
  writeFileSync(join(dir, "hello.ts"), 'console.log("hello");\n');
  compile({ entry: join(dir, "hello.ts"), outfile: join(dir, "hello") });
  buildFor(hostTarget(), join(dir, "tollgate"));

  const hello: Subject = { name: "hello", argv: [join(dir, "hello")], times: [] };
  const tollgate: Subject = { name: "tollgate --version", argv: [join(dir, "tollgate"), "--version"], times: [] };
  for (let run = 0; run < WARMUP_RUNS; run++) for (const subject of [hello, tollgate]) timeRun(subject);
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so neither always runs right after the other.
    const order = run % 2 === 0 ? [hello, tollgate] : [tollgate, hello];
    for (const subject of order) subject.times.push(timeRun(subject));
  }

  const size = (path: string) => statSync(path).size;
  const timeRatio = median(tollgate.times) / median(hello.times);
  const sizeRatio = size(join(dir, "tollgate")) / size(join(dir, "hello"));
  const verdict = (ratio: number, max: number) =>
    `${ratio.toFixed(2)}x (target <= ${max}x) ${ratio <= max ? "ok" : "MISSED"}`;
  const rows = [
    ["", "median", "min", "size"],
    ...[hello, tollgate].map((subject) => [
      subject.name,
      `${median(subject.times).toFixed(1)} ms`,
      `${Math.min(...subject.times).toFixed(1)} ms`,
      `${(size(subject.argv[0]) / 2 ** 20).toFixed(1)} MiB`,
    ]),
  ];
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  for (const row of rows)
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column] as number))
        .join("   ")
        .trimEnd(),
    );
  console.log(`\n${RUNS} runs each after ${WARMUP_RUNS} warm-up runs, interleaved`);
  console.log(`start-up ratio: ${verdict(timeRatio, MAX_TIME_RATIO)}`);
  console.log(`size ratio:     ${verdict(sizeRatio, MAX_SIZE_RATIO)}`);
  process.exitCode = timeRatio <= MAX_TIME_RATIO && sizeRatio <= MAX_SIZE_RATIO ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
