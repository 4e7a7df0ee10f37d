/**
 * `bun run bench:receipts`: signReceipt and verifyReceipt (schema checks,
 * JWS encoding) against raw WebCrypto Ed25519 sign/verify of the same
 * signing input, in one run. Batches alternate between the two, and the
 * ratio is the median over rounds of (our batch / the adjacent raw batch), so
 * the noise of a busy machine hits both sides of each ratio alike. Exits 1
 * when either ratio exceeds the target.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildReceipt,
  generateKey,
  loadSigningKey,
  loadVerificationKeys,
  signReceipt,
  verifyReceipt,
} from "../../src/receipts/index.ts";
import { sampleExtension, sampleFacts } from "../../test/receipts/fixtures.ts";
import { median } from "./stats.ts";

const MAX_RATIO = 1.5;
const BATCH = 100;
const ROUNDS = 41;
const WARMUP_BATCHES = 3;

type Op = () => Promise<unknown>;

async function batchMs(op: Op): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < BATCH; i++) await op();
  return performance.now() - started;
}

interface Race {
  oursMs: number;
  rawMs: number;
  ratio: number;
}

/** Median batch times of each op, and the median of the per-round ratios. */
async function race(ours: Op, raw: Op): Promise<Race> {
  for (let i = 0; i < WARMUP_BATCHES; i++) {
    await batchMs(ours);
    await batchMs(raw);
  }
  const oursTimes: number[] = [];
  const rawTimes: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so neither always runs right after the other.
    const first = round % 2 === 0;
    const a = await batchMs(first ? ours : raw);
    const b = await batchMs(first ? raw : ours);
    const [oursMs, rawMs] = first ? [a, b] : [b, a];
    oursTimes.push(oursMs);
    rawTimes.push(rawMs);
    ratios.push(oursMs / rawMs);
  }
  return { oursMs: median(oursTimes), rawMs: median(rawTimes), ratio: median(ratios) };
}

const dir = mkdtempSync(join(tmpdir(), "tollgate-bench-"));
try {
  const record = await generateKey(dir, "bench", new Date());
  const signing = await loadSigningKey(record.kid, dir);
  const trusted = await loadVerificationKeys(record.kid, dir);
  const publicKey = trusted.get(record.kid) as CryptoKey;
  const extension = sampleExtension();
  const receipt = buildReceipt(sampleFacts(), extension);
  const jws = await signReceipt(receipt, extension, signing);
  const [header, payload, signature] = jws.split(".") as [string, string, string];
  const signingInput = new TextEncoder().encode(`${header}.${payload}`);
  const signatureBytes = Buffer.from(signature, "base64url");
  const algorithm = { name: "Ed25519" };

  const results = [
    {
      name: "sign",
      ours: () => signReceipt(receipt, extension, signing),
      raw: () => crypto.subtle.sign(algorithm, signing.privateKey, signingInput),
    },
    {
      name: "verify",
      ours: () => verifyReceipt(jws, trusted),
      raw: () => crypto.subtle.verify(algorithm, publicKey, signatureBytes, signingInput),
    },
  ];
  let missed = false;
  process.stdout.write(`receipt JWS: ${jws.length} bytes; ${ROUNDS} rounds of ${BATCH} each, alternating\n`);
  for (const { name, ours, raw } of results) {
    const { oursMs, rawMs, ratio } = await race(ours, raw);
    const opsPerSecond = (ms: number) => Math.round((BATCH / ms) * 1000);
    const ok = ratio <= MAX_RATIO;
    missed ||= !ok;
    process.stdout.write(
      `${name.padEnd(6)}  tollgate ${String(opsPerSecond(oursMs)).padStart(7)} ops/s  webcrypto ${String(opsPerSecond(rawMs)).padStart(7)} ops/s  ratio ${ratio.toFixed(2)}x (target <= ${MAX_RATIO}x) ${ok ? "ok" : "MISSED"}\n`,
    );
  }
  process.exitCode = missed ? 1 : 0;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
