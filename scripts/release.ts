/**
 * `bun run build:release [--targets a,b] [--signing-key PATH] [--out-dir DIR]`:
 * compiles every release target into dist/release/ as `tollgate-<target>.tar.gz`
 * (the raw `.exe` for Windows), adds install.sh (stamped with the release's
 * public key when signing), SHA256SUMS over all of them and, with a key,
 * SHA256SUMS.sig: a raw Ed25519 signature over the SHA256SUMS bytes.
 * The key comes from --signing-key (a PEM file) or TOLLGATE_RELEASE_SIGNING_KEY
 * (the PEM itself, as CI secrets are handed over).
 */
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import { buildFor } from "./build.ts";

const root = join(import.meta.dir, "..");

/** Release target name -> Bun compile target. */
export const TARGETS: Readonly<Record<string, string>> = {
  "linux-x64": "bun-linux-x64",
  "linux-x64-baseline": "bun-linux-x64-baseline",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
  "darwin-x64": "bun-darwin-x64",
  "darwin-arm64": "bun-darwin-arm64",
  "windows-x64": "bun-windows-x64",
};

export const SUMS_FILE = "SHA256SUMS";
export const SIGNATURE_FILE = "SHA256SUMS.sig";

export function artifactName(target: string): string {
  return target.startsWith("windows-") ? `tollgate-${target}.exe` : `tollgate-${target}.tar.gz`;
}

function tarHeader(name: string, size: number, mtime: number, mode: number): Uint8Array {
  const header = new Uint8Array(512);
  const put = (offset: number, text: string) => header.set(new TextEncoder().encode(text), offset);
  const octal = (offset: number, width: number, value: number) =>
    put(offset, `${value.toString(8).padStart(width - 1, "0")}\0`);
  put(0, name);
  octal(100, 8, mode);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, mtime);
  put(148, " ".repeat(8)); // the checksum is computed with its own field as spaces
  put(156, "0"); // regular file
  put(257, "ustar\0");
  put(263, "00");
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  put(148, `${checksum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/**
 * A gzipped ustar archive holding one file, owned by 0:0, with the given mode
 * and mtime: the same input gives the same bytes, whatever tar the host has.
 */
export function tarGz(name: string, data: Uint8Array, mtime: number, mode = 0o755): Uint8Array {
  if (new TextEncoder().encode(name).length > 100) throw new Error(`archive member name too long: ${name}`);
  const padded = Math.ceil(data.length / 512) * 512;
  // Header, data padded to a block, then the two zero blocks that end a tar.
  const tar = new Uint8Array(512 + padded + 1024);
  tar.set(tarHeader(name, data.length, mtime, mode), 0);
  tar.set(data, 512);
  return gzipSync(tar, { level: 9 });
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256sum` output for the named files of `dir`, sorted by name. */
export function checksums(dir: string, names: readonly string[]): string {
  return names
    .toSorted()
    .map((name) => `${sha256Hex(readFileSync(join(dir, name)))}  ${name}\n`)
    .join("");
}

export function signingKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error("the signing key is not a PEM private key");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new Error(`the signing key is ${key.asymmetricKeyType ?? "of an unknown type"}, not Ed25519`);
  }
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return createPublicKey(key).export({ type: "spki", format: "pem" }).toString();
}

/** Raw Ed25519 signature, what `openssl pkeyutl -verify -rawin` checks. */
export function signEd25519(data: Uint8Array, key: KeyObject): Uint8Array {
  return sign(null, data, key);
}

const EMPTY_KEY_LINE = "\nPUBLIC_KEY=''\n";

/** install.sh with `publicKeyPem` in its one empty `PUBLIC_KEY=''` line. */
export function stampPublicKey(script: string, publicKeyPem: string): string {
  // Only base64 and dashes may go between the single quotes of a shell word.
  if (!/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n?$/.test(publicKeyPem)) {
    throw new Error("not an SPKI PEM public key");
  }
  const parts = script.split(EMPTY_KEY_LINE);
  if (parts.length !== 2) throw new Error(`install.sh must hold exactly one line PUBLIC_KEY='' to stamp`);
  return parts.join(`\nPUBLIC_KEY='${publicKeyPem.trim()}'\n`);
}

/**
 * Adds install.sh (stamped when signing), SHA256SUMS over every file of
 * `outDir` and, with a key, SHA256SUMS.sig.
 */
export function finishRelease(outDir: string, key?: KeyObject): void {
  const script = readFileSync(join(root, "install.sh"), "utf8");
  writeFileSync(join(outDir, "install.sh"), key ? stampPublicKey(script, publicKeyPem(key)) : script, { mode: 0o755 });
  const sums = checksums(outDir, readdirSync(outDir));
  writeFileSync(join(outDir, SUMS_FILE), sums);
  if (key) writeFileSync(join(outDir, SIGNATURE_FILE), signEd25519(Buffer.from(sums), key));
}

/** The commit's time, so rebuilding a commit gives archives with the same bytes. */
function commitTime(): number {
  const result = spawnSync("git", ["log", "-1", "--format=%ct"], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? Number(result.stdout.trim()) : 0;
}

export interface ReleaseOptions {
  targets: readonly string[];
  outDir: string;
  key?: KeyObject;
}

export function buildRelease({ targets, outDir, key }: ReleaseOptions): void {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const stage = mkdtempSync(join(tmpdir(), "tollgate-release-"));
  const mtime = commitTime();
  try {
    for (const target of targets) {
      const bunTarget = TARGETS[target];
      if (!bunTarget) throw new Error(`unknown target ${target}`);
      const artifact = join(outDir, artifactName(target));
      const binary = target.startsWith("windows-") ? artifact : join(stage, "tollgate");
      try {
        buildFor(target, binary, bunTarget);
      } catch (error) {
        throw new Error(
          `target ${target} failed: ${(error as Error).message}. Cross-compiling fetches the Bun runtime for ` +
            `${target} from the npm registry; see bun's message above.`,
        );
      }
      if (binary !== artifact) writeFileSync(artifact, tarGz("tollgate", readFileSync(binary), mtime));
      console.error(`${artifactName(target)}  ${(statSync(artifact).size / 2 ** 20).toFixed(1)} MiB`);
    }
    finishRelease(outDir, key);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function parseTargets(list: string | undefined): string[] {
  if (list === undefined) return Object.keys(TARGETS);
  const targets = [...new Set(list.split(",").map((name) => name.trim()))];
  const unknown = targets.filter((name) => !(name in TARGETS));
  if (unknown.length > 0 || targets.length === 0) {
    throw new Error(
      `unknown target ${unknown.join(", ") || "(none given)"}; known: ${Object.keys(TARGETS).join(", ")}`,
    );
  }
  return targets;
}

function readKey(path: string | undefined): KeyObject | undefined {
  if (path !== undefined) return signingKey(readFileSync(path, "utf8"));
  const pem = process.env.TOLLGATE_RELEASE_SIGNING_KEY;
  if (!pem) return undefined;
  if (!pem.startsWith("-----BEGIN")) {
    throw new Error("TOLLGATE_RELEASE_SIGNING_KEY must hold the PEM key itself; a key file goes to --signing-key PATH");
  }
  return signingKey(pem);
}

if (import.meta.main) {
  let options: ReleaseOptions;
  try {
    const { values } = parseArgs({
      options: { targets: { type: "string" }, "signing-key": { type: "string" }, "out-dir": { type: "string" } },
      strict: true,
    });
    options = {
      targets: parseTargets(values.targets),
      outDir: resolve(values["out-dir"] ?? join(root, "dist", "release")),
      key: readKey(values["signing-key"]),
    };
  } catch (error) {
    console.error(`release: ${(error as Error).message}`);
    process.exit(2);
  }
  const started = performance.now();
  try {
    buildRelease(options);
  } catch (error) {
    console.error(`release: ${(error as Error).message}`);
    process.exit(1);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.error(`release: ${options.outDir} (${options.key ? "signed" : "UNSIGNED"}) in ${seconds} s`);
}
