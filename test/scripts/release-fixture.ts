/**
 * What the release and installer tests share: this machine's release target,
 * a throwaway signing key, and a run of scripts/release.ts.
 */
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../helpers.ts";

export const INSTALL_SH = join(PROJECT_ROOT, "install.sh");
const RELEASE_SCRIPT = join(PROJECT_ROOT, "scripts", "release.ts");

/** The target install.sh picks for this machine, so the binary built for the tests runs here. */
export function hostReleaseTarget(): string {
  const result = spawnSync("/bin/sh", [INSTALL_SH, "--dry-run", "--install-dir", "/nonexistent"], { encoding: "utf8" });
  const target = result.stdout.match(/^target: +(\S+)$/m)?.[1];
  if (result.status !== 0 || target === undefined)
    throw new Error(`install.sh cannot place this machine: ${result.stderr}`);
  return target;
}

export interface SigningKey {
  privateKey: KeyObject;
  /** PKCS#8 PEM private key, mode 0600. */
  privatePath: string;
  /** SPKI PEM public key. */
  publicPath: string;
}

export function writeSigningKey(dir: string, name = "release"): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  writeFileSync(publicPath, publicKey.export({ type: "spki", format: "pem" }));
  return { privateKey, privatePath, publicPath };
}

/** `bun scripts/release.ts ARGS`, without any signing key the caller's environment may hold. */
export function runRelease(args: string[], env: Record<string, string> = {}) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[0] !== "TOLLGATE_RELEASE_SIGNING_KEY" && entry[1] !== undefined,
    ),
  );
  return spawnSync(process.execPath, [RELEASE_SCRIPT, ...args], {
    encoding: "utf8",
    env: { ...base, ...env },
    timeout: 300_000,
  });
}
