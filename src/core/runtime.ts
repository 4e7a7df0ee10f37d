/**
 * The runtime seam: the only place that may touch Bun- or Deno-only globals.
 * Everything else in src/ uses web-standard or node: APIs so the source runs
 * under Bun, the compiled executable and Deno 2 alike.
 */

interface BunGlobal {
  version: string;
  revision: string;
  isStandaloneExecutable?: boolean;
  CryptoHasher: new (algorithm: "sha256") => Sha256;
  unsafe?: { setJITPolicy?: (scale: number) => void };
}
interface DenoGlobal {
  version: { deno: string };
}

const bun = (globalThis as { Bun?: BunGlobal }).Bun;
const deno = (globalThis as { Deno?: DenoGlobal }).Deno;

type RuntimeName = "bun" | "deno" | "node";

export interface RuntimeInfo {
  name: RuntimeName;
  version: string;
  /** True inside an executable made by `bun build --compile`. */
  compiled: boolean;
}

export function runtimeInfo(): RuntimeInfo {
  if (bun) {
    return { name: "bun", version: bun.version, compiled: bun.isStandaloneExecutable === true };
  }
  if (deno) return { name: "deno", version: deno.version.deno, compiled: false };
  return { name: "node", version: process.versions.node, compiled: false };
}

/**
 * The release build starts with JavaScriptCore's JIT made reluctant
 * (scripts/compile.ts): most commands are one-shot, and compiling their
 * run-once code on a JIT thread cost `tollgate exec` about 5 ms. A command
 * about to do long work (a gate stage reading tools' reports) restores the
 * normal policy with this. A no-op under Deno and Node.
 */
export function useNormalJit(): void {
  bun?.unsafe?.setJITPolicy?.(1);
}

/** An incremental SHA-256; strings are hashed as UTF-8. */
export interface Sha256 {
  update(data: string | Uint8Array): unknown;
  digest(encoding: "hex"): string;
}

/**
 * Bun's own hasher under Bun, node:crypto elsewhere. Loading node:crypto costs
 * a compiled executable milliseconds on every start, and `tollgate exec`
 * hashes on every run.
 */
export function createSha256(): Sha256 {
  if (bun) return new bun.CryptoHasher("sha256");
  return process.getBuiltinModule("node:crypto").createHash("sha256");
}

/** Prefix of the paths Bun gives modules embedded in a compiled executable. */
export const EMBEDDED_ROOTS = ["/$bunfs/root/", "B:/~BUN/root/", "B:\\~BUN\\root\\"] as const;
