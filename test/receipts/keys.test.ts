import { describe, expect, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint } from "jose";
import { isTollgateError } from "../../src/core/index.ts";
import {
  generateKey,
  KID_PATTERN,
  listKeys,
  loadSigningKey,
  loadVerificationKeys,
  signReceipt,
  verifyReceipt,
} from "../../src/receipts/index.ts";
import { tempDir } from "../helpers.ts";
import { sampleReceipt, testKey } from "./fixtures.ts";

/** The code of the UserError `run` throws. */
async function errorCode(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (isTollgateError(error)) return `${error.code} ${error.message}`;
    throw error;
  }
  return "no error";
}

describe("generateKey", () => {
  test("writes a private PKCS#8 PEM 0600, public SPKI PEM and a JWK record, in a 0700 folder, named by kid", async () => {
    const dir = join(tempDir(), "keys");
    const record = await generateKey(dir, "ci signer", new Date("2026-06-01T00:00:00Z"));
    expect(record.kid).toMatch(KID_PATTERN);
    expect(readdirSync(dir).sort()).toEqual([`${record.kid}.json`, `${record.kid}.key.pem`, `${record.kid}.pub.pem`]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, `${record.kid}.key.pem`)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, `${record.kid}.key.pem`), "utf8")).toStartWith("-----BEGIN PRIVATE KEY-----");
    expect(readFileSync(join(dir, `${record.kid}.pub.pem`), "utf8")).toStartWith("-----BEGIN PUBLIC KEY-----");
    expect(record).toMatchObject({ name: "ci signer", created_at: "2026-06-01T00:00:00.000Z" });
    expect(record.jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: record.kid, alg: "EdDSA", use: "sig" });
    expect(record.jwk).not.toHaveProperty("d");
  });

  test("the kid is the RFC 7638 thumbprint of the public key", async () => {
    const { publicJwk, signing } = await testKey();
    const thumbprint = await calculateJwkThumbprint({ kty: "OKP", crv: "Ed25519", x: publicJwk.x as string });
    expect(signing.kid).toBe(thumbprint);
  });

  test("listKeys returns every key, oldest first; an empty or missing folder lists none", async () => {
    const dir = join(tempDir(), "keys");
    expect(listKeys(dir)).toEqual([]);
    const first = await generateKey(dir, "one", new Date("2026-01-01T00:00:00Z"));
    const second = await generateKey(dir, "two", new Date("2026-02-01T00:00:00Z"));
    expect(listKeys(dir).map((record) => record.kid)).toEqual([first.kid, second.kid]);
  });
});

describe("loading keys", () => {
  test("by kid, by PEM path, by JWK file and JWKS: sign with one, verify with each", async () => {
    const key = await testKey();
    const { receipt, extension } = sampleReceipt();
    const jws = await signReceipt(
      receipt,
      extension,
      await loadSigningKey(join(key.dir, `${key.signing.kid}.key.pem`)),
    );
    const jwkFile = join(tempDir(), "key.jwk");
    writeFileSync(jwkFile, JSON.stringify(key.publicJwk));
    const jwksFile = join(tempDir(), "keys.jwks");
    writeFileSync(jwksFile, JSON.stringify({ keys: [(await testKey()).publicJwk, key.publicJwk] }));
    for (const source of [key.signing.kid, join(key.dir, `${key.signing.kid}.pub.pem`), jwkFile, jwksFile]) {
      const trusted = await loadVerificationKeys(source, key.dir);
      expect((await verifyReceipt(jws, trusted)).kid).toBe(key.signing.kid);
    }
  });

  test("a private key readable by group or others is refused, with the chmod fix", async () => {
    const key = await testKey();
    const file = join(key.dir, `${key.signing.kid}.key.pem`);
    for (const mode of [0o640, 0o604, 0o644]) {
      chmodSync(file, mode);
      const message = await errorCode(() => loadSigningKey(key.signing.kid, key.dir));
      expect(message).toStartWith("KEY_PERMISSIONS_TOO_OPEN");
      expect(message).toContain(`chmod 600 ${file}`);
    }
    chmodSync(file, 0o400);
    expect((await loadSigningKey(file)).kid).toBe(key.signing.kid);
  });

  test("RSA and EC keys are refused, as private PEM, public PEM and JWK", async () => {
    const dir = tempDir();
    for (const type of ["rsa", "ec"] as const) {
      const pair =
        type === "rsa"
          ? generateKeyPairSync("rsa", { modulusLength: 2048 })
          : generateKeyPairSync("ec", { namedCurve: "P-256" });
      const privatePem = join(dir, `${type}.key.pem`);
      writeFileSync(privatePem, pair.privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
      const publicPem = join(dir, `${type}.pub.pem`);
      writeFileSync(publicPem, pair.publicKey.export({ type: "spki", format: "pem" }));
      const jwk = join(dir, `${type}.jwk`);
      writeFileSync(jwk, JSON.stringify(pair.publicKey.export({ format: "jwk" })));
      expect(await errorCode(() => loadSigningKey(privatePem))).toStartWith(
        `KEY_NOT_ED25519 ${privatePem} is a ${type} key`,
      );
      expect(await errorCode(() => loadVerificationKeys(publicPem))).toStartWith("KEY_NOT_ED25519");
      expect(await errorCode(() => loadVerificationKeys(jwk))).toStartWith("KEY_NOT_ED25519");
    }
  });

  test("verification refuses private keys, a kid that is not the thumbprint, unknown kids and junk", async () => {
    const key = await testKey();
    const dir = tempDir();
    const privateJwk = join(dir, "private.jwk");
    writeFileSync(privateJwk, JSON.stringify({ ...key.publicJwk, d: "AAAA" }));
    expect(await errorCode(() => loadVerificationKeys(privateJwk))).toStartWith("KEY_IS_PRIVATE");
    expect(await errorCode(() => loadVerificationKeys(join(key.dir, `${key.signing.kid}.key.pem`)))).toStartWith(
      "KEY_IS_PRIVATE",
    );
    const wrongKid = join(dir, "wrong-kid.jwk");
    writeFileSync(wrongKid, JSON.stringify({ ...key.publicJwk, kid: "someone-else" }));
    expect(await errorCode(() => loadVerificationKeys(wrongKid))).toStartWith("KEY_KID_MISMATCH");
    expect(await errorCode(() => loadVerificationKeys("A".repeat(43), key.dir))).toStartWith("KEY_NOT_FOUND");
    expect(await errorCode(() => loadSigningKey("A".repeat(43), key.dir))).toStartWith("KEY_NOT_FOUND");
    const junk = join(dir, "junk");
    writeFileSync(junk, "hello", { mode: 0o600 });
    expect(await errorCode(() => loadVerificationKeys(junk))).toStartWith("KEY_FILE_INVALID");
    expect(await errorCode(() => loadSigningKey(junk))).toStartWith("KEY_FILE_INVALID");
    expect(await errorCode(() => loadSigningKey(join(dir, "missing.pem")))).toStartWith("FILE_UNREADABLE");
  });
});
