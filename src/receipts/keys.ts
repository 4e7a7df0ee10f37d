/**
 * Ed25519 keys: the folder of this user's keys, and the loaders that turn a
 * `--key` argument (a kid or a file) into a signing key or trusted keys.
 * A kid is always the RFC 7638 thumbprint of the public key.
 */
import type { KeyObject } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { ensurePrivateDir, readFileCapped, UserError, userConfigDir, writeFileAtomic } from "../core/index.ts";

/**
 * jose and node:crypto are loaded when a key is made or read, not with this
 * module: `tollgate exec` without --key needs neither, and loading them costs
 * a compiled executable milliseconds.
 */
const jose = () => import("jose");
const nodeCrypto = () => import("node:crypto");

export const KID_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MAX_KEY_FILE_BYTES = 256 * 1024;
const PUBLIC_FILE_MODE = 0o644;

export function keysDir(env: Record<string, string | undefined> = process.env): string {
  return join(userConfigDir(env), "keys");
}

/** The public JWK tollgate writes and exports. */
interface PublicJwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
  kid: string;
  alg: "EdDSA";
  use: "sig";
}

const KeyRecordSchema = v.strictObject({
  kid: v.pipe(v.string(), v.regex(KID_PATTERN)),
  name: v.string(),
  created_at: v.string(),
  jwk: v.strictObject({
    kty: v.literal("OKP"),
    crv: v.literal("Ed25519"),
    x: v.string(),
    kid: v.string(),
    alg: v.literal("EdDSA"),
    use: v.literal("sig"),
  }),
});

/** `<kid>.json` in the keys folder: the public half and its label. */
export type KeyRecord = v.InferOutput<typeof KeyRecordSchema>;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** Its public half, to check what this key signed. */
  publicKey: CryptoKey;
}

/** Public keys trusted for verification, by kid. */
export type TrustedKeys = ReadonlyMap<string, CryptoKey>;

export const keyFiles = (dir: string, kid: string) => ({
  record: join(dir, `${kid}.json`),
  privatePem: join(dir, `${kid}.key.pem`),
  publicPem: join(dir, `${kid}.pub.pem`),
});

/** Creates a key pair in `dir`: private PKCS#8 PEM (0600), public SPKI PEM and JWK record. */
export async function generateKey(dir: string, name: string, now: Date): Promise<KeyRecord> {
  const [{ exportPKCS8, exportSPKI, generateKeyPair }, { createPublicKey }] = await Promise.all([jose(), nodeCrypto()]);
  const { privateKey, publicKey } = await generateKeyPair("Ed25519", { extractable: true });
  const { jwk, kid } = await describePublicKey(createPublicKey(await exportSPKI(publicKey)));
  const record: KeyRecord = { kid, name, created_at: now.toISOString(), jwk };
  const files = keyFiles(dir, kid);
  ensurePrivateDir(dir);
  writeFileAtomic(files.privatePem, await exportPKCS8(privateKey));
  writeFileAtomic(files.publicPem, await exportSPKI(publicKey), { mode: PUBLIC_FILE_MODE });
  writeFileAtomic(files.record, `${JSON.stringify(record, null, 2)}\n`, { mode: PUBLIC_FILE_MODE });
  return record;
}

export function listKeys(dir: string): KeyRecord[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json") && KID_PATTERN.test(file.slice(0, -".json".length)))
    .map((file) => readKeyRecord(dir, file.slice(0, -".json".length)))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}

export function readKeyRecord(dir: string, kid: string): KeyRecord {
  const file = keyFiles(dir, kid).record;
  if (!KID_PATTERN.test(kid) || !existsSync(file)) {
    throw new UserError("KEY_NOT_FOUND", `no key with kid ${kid} in ${dir}; run "tollgate keys list"`);
  }
  const parsed = v.safeParse(KeyRecordSchema, parseJsonFile(file, "key record"));
  if (!parsed.success || parsed.output.kid !== kid) {
    throw new UserError(
      "KEY_DAMAGED",
      `key record ${file} is damaged; generate a new key with "tollgate keys generate"`,
    );
  }
  return parsed.output;
}

function parseJsonFile(path: string, what: string): unknown {
  const text = new TextDecoder().decode(readFileCapped(path, MAX_KEY_FILE_BYTES, what));
  try {
    return JSON.parse(text);
  } catch {
    throw new UserError("KEY_FILE_INVALID", `${what} ${path} is not valid JSON`);
  }
}

async function describePublicKey(key: KeyObject): Promise<{ jwk: PublicJwk; kid: string }> {
  const { x } = key.export({ format: "jwk" });
  if (typeof x !== "string") throw new Error("an Ed25519 public JWK has an x member");
  const kid = await (await jose()).calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x }, "sha256");
  return { jwk: { kty: "OKP", crv: "Ed25519", x, kid, alg: "EdDSA", use: "sig" }, kid };
}

function requireEd25519(key: KeyObject, source: string): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new UserError(
      "KEY_NOT_ED25519",
      `${source} is a ${key.asymmetricKeyType ?? "symmetric"} key; tollgate signs and verifies with Ed25519 keys only (make one with "tollgate keys generate")`,
    );
  }
}

/** `--key` for signing: a kid in the keys folder, or a path to a PKCS#8 PEM private key. */
export async function loadSigningKey(arg: string, dir: string = keysDir()): Promise<SigningKey> {
  const path = existsSync(arg) || !KID_PATTERN.test(arg) ? arg : keyFiles(dir, arg).privatePem;
  if (path !== arg && !existsSync(path)) {
    throw new UserError("KEY_NOT_FOUND", `no private key with kid ${arg} in ${dir}; run "tollgate keys list"`);
  }
  const pem = new TextDecoder().decode(readFileCapped(path, MAX_KEY_FILE_BYTES, "private key file"));
  const mode = statSync(path).mode;
  if (process.platform !== "win32" && (mode & 0o077) !== 0) {
    throw new UserError(
      "KEY_PERMISSIONS_TOO_OPEN",
      `private key file ${path} is accessible by group or others (mode ${(mode & 0o777).toString(8)}); run "chmod 600 ${path}"`,
    );
  }
  const { createPrivateKey, createPublicKey } = await nodeCrypto();
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new UserError("KEY_FILE_INVALID", `${path} is not an unencrypted PEM private key (PKCS#8)`);
  }
  requireEd25519(key, path);
  const der = key.export({ type: "pkcs8", format: "der" });
  const privateKey = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  const { jwk } = await describePublicKey(createPublicKey(key));
  const { kid, key: publicKey } = await publicKeyFromJwk(jwk, path);
  return { kid, privateKey, publicKey };
}

/** A trusted public key from a JWK (a key file, a JWKS entry, a policy's trusted approver). */
export async function publicKeyFromJwk(jwk: unknown, source: string): Promise<{ kid: string; key: CryptoKey }> {
  const record = (typeof jwk === "object" && jwk !== null ? jwk : {}) as Record<string, unknown>;
  if ("d" in record) {
    throw new UserError(
      "KEY_IS_PRIVATE",
      `${source} holds a private key; give the public key ("tollgate keys export")`,
    );
  }
  if (record.kty !== "OKP" || record.crv !== "Ed25519" || typeof record.x !== "string") {
    throw new UserError(
      "KEY_NOT_ED25519",
      `${source} is not an Ed25519 public JWK ({"kty":"OKP","crv":"Ed25519","x":...}); tollgate verifies Ed25519 keys only`,
    );
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      "jwk",
      { kty: "OKP", crv: "Ed25519", x: record.x },
      { name: "Ed25519" },
      // A public key holds no secret; extractable lets node:crypto verify with it (src/receipts/jws.ts).
      true,
      ["verify"],
    );
  } catch {
    throw new UserError("KEY_FILE_INVALID", `${source}: the x member is not an Ed25519 public key`);
  }
  const kid = await (await jose()).calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: record.x }, "sha256");
  if (record.kid !== undefined && record.kid !== kid) {
    throw new UserError(
      "KEY_KID_MISMATCH",
      `${source} names kid ${String(record.kid)}, but the key's RFC 7638 thumbprint is ${kid}; tollgate names keys by thumbprint`,
    );
  }
  return { kid, key };
}

/**
 * `--key` for verifying: a kid in the keys folder, or a public key file
 * (SPKI PEM, JWK, or a JWKS holding several keys).
 */
export async function loadVerificationKeys(arg: string, dir: string = keysDir()): Promise<Map<string, CryptoKey>> {
  if (!existsSync(arg) && KID_PATTERN.test(arg)) {
    const { kid, key } = await publicKeyFromJwk(readKeyRecord(dir, arg).jwk, `key ${arg}`);
    return new Map([[kid, key]]);
  }
  const text = new TextDecoder().decode(readFileCapped(arg, MAX_KEY_FILE_BYTES, "public key file"));
  if (text.trimStart().startsWith("-----BEGIN")) {
    if (text.includes("PRIVATE KEY")) {
      throw new UserError("KEY_IS_PRIVATE", `${arg} holds a private key; give the public key ("tollgate keys export")`);
    }
    const { createPublicKey } = await nodeCrypto();
    let key: KeyObject;
    try {
      key = createPublicKey({ key: text, format: "pem" });
    } catch {
      throw new UserError("KEY_FILE_INVALID", `${arg} is not a PEM public key (SPKI)`);
    }
    requireEd25519(key, arg);
    const loaded = await publicKeyFromJwk((await describePublicKey(key)).jwk, arg);
    return new Map([[loaded.kid, loaded.key]]);
  }
  const document = parseJsonFile(arg, "public key file");
  const jwks =
    typeof document === "object" && document !== null && "keys" in document
      ? (document as { keys: unknown }).keys
      : [document];
  if (!Array.isArray(jwks) || jwks.length === 0) {
    throw new UserError("KEY_FILE_INVALID", `${arg}: a JWKS holds a non-empty "keys" array`);
  }
  const keys = new Map<string, CryptoKey>();
  for (const [index, jwk] of jwks.entries()) {
    const loaded = await publicKeyFromJwk(jwk, jwks.length === 1 ? arg : `${arg} (keys[${index}])`);
    keys.set(loaded.kid, loaded.key);
  }
  return keys;
}
