/**
 * scripts/release.ts: the archive, SHA256SUMS, the signature and the stamped
 * install.sh, as a user of a release checks them with standard tools.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  artifactName,
  checksums,
  finishRelease,
  publicKeyPem,
  SIGNATURE_FILE,
  SUMS_FILE,
  sha256Hex,
  signingKey,
  stampPublicKey,
  tarGz,
} from "../../scripts/release.ts";
import { tempDir } from "../helpers.ts";
import { hostReleaseTarget, INSTALL_SH, runRelease, type SigningKey, writeSigningKey } from "./release-fixture.ts";

function run(file: string, args: string[], cwd?: string) {
  const result = spawnSync(file, args, { cwd, encoding: "utf8", env: { ...process.env, TZ: "UTC" } });
  // A missing tool (shellcheck, openssl) fails the test: it must be installed, not skipped.
  if (result.error) throw result.error;
  return result;
}

function opensslVerify(publicKey: string, data: string, signature: string) {
  return run("openssl", [
    "pkeyutl",
    "-verify",
    "-pubin",
    "-inkey",
    publicKey,
    "-rawin",
    "-in",
    data,
    "-sigfile",
    signature,
  ]);
}

describe("release pieces", () => {
  test("tarGz holds one file owned by 0:0 with the given mode and time, and the same input gives the same bytes", () => {
    const dir = tempDir();
    const data = randomBytes(1000);
    const archive = tarGz("tollgate", data, 1_700_000_000);
    expect(tarGz("tollgate", data, 1_700_000_000)).toEqual(archive);
    writeFileSync(join(dir, "a.tar.gz"), archive);

    const listing = run("tar", ["--numeric-owner", "-tvzf", "a.tar.gz"], dir);
    expect(listing.status).toBe(0);
    expect(listing.stdout).toMatch(/^-rwxr-xr-x 0\/0 +1000 2023-11-14 22:13 tollgate\n$/);
    mkdirSync(join(dir, "out"));
    expect(run("tar", ["-xzf", "a.tar.gz", "-C", "out"], dir).status).toBe(0);
    expect(readFileSync(join(dir, "out", "tollgate"))).toEqual(data);
  });

  test("artifact names: a tar.gz per unix target, the raw .exe for Windows", () => {
    expect(artifactName("linux-x64-musl")).toBe("tollgate-linux-x64-musl.tar.gz");
    expect(artifactName("windows-x64")).toBe("tollgate-windows-x64.exe");
  });

  test("checksums are in sha256sum format, sorted by name, and pass sha256sum --check", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "b.tar.gz"), "bee");
    writeFileSync(join(dir, "a.exe"), "ay");
    const sums = checksums(dir, ["b.tar.gz", "a.exe"]);
    expect(sums).toBe(`${sha256Hex(Buffer.from("ay"))}  a.exe\n${sha256Hex(Buffer.from("bee"))}  b.tar.gz\n`);
    writeFileSync(join(dir, SUMS_FILE), sums);
    expect(run("sha256sum", ["--check", "--strict", SUMS_FILE], dir).status).toBe(0);
  });

  test("stamping puts the public key into install.sh, which still passes sh -n and shellcheck", () => {
    const dir = tempDir();
    const pem = publicKeyPem(generateKeyPairSync("ed25519").privateKey);
    const stamped = stampPublicKey(readFileSync(INSTALL_SH, "utf8"), pem);
    expect(stamped).toContain(`\nPUBLIC_KEY='${pem.trim()}'\n`);
    writeFileSync(join(dir, "install.sh"), stamped);
    expect(run("sh", ["-n", "install.sh"], dir).status).toBe(0);
    const lint = run("shellcheck", ["-s", "sh", "install.sh"], dir);
    expect(lint.stdout).toBe("");
    expect(lint.status).toBe(0);
  });

  test("stamping refuses a script without exactly one empty key line, and anything but a PEM public key", () => {
    const pem = publicKeyPem(generateKeyPairSync("ed25519").privateKey);
    const script = readFileSync(INSTALL_SH, "utf8");
    expect(() => stampPublicKey(stampPublicKey(script, pem), pem)).toThrow(/exactly one line/);
    expect(() => stampPublicKey(`${script}\nPUBLIC_KEY=''\n`, pem)).toThrow(/exactly one line/);
    expect(() => stampPublicKey(script, `${pem.trim()}'; rm -rf ~; '`)).toThrow(/not an SPKI PEM/);
  });

  test("signing keys must be Ed25519", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    expect(() => signingKey(rsa.export({ type: "pkcs8", format: "pem" }).toString())).toThrow(/rsa, not Ed25519/);
    expect(() => signingKey("not a key")).toThrow(/not a PEM private key/);
  });

  test("an unsigned release ships install.sh as in the repository and no signature", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "tollgate-linux-x64.tar.gz"), "archive");
    finishRelease(dir);
    expect(readdirSync(dir).sort()).toEqual(["SHA256SUMS", "install.sh", "tollgate-linux-x64.tar.gz"]);
    expect(readFileSync(join(dir, "install.sh"), "utf8")).toBe(readFileSync(INSTALL_SH, "utf8"));
    expect(run("sha256sum", ["--check", "--strict", SUMS_FILE], dir).status).toBe(0);
  });
});

describe("bun run build:release, signed, for this machine", () => {
  const dir = tempDir("tollgate-release-test-");
  const out = join(dir, "release");
  let target: string;
  let key: SigningKey;

  beforeAll(() => {
    target = hostReleaseTarget();
    key = writeSigningKey(dir);
    const result = runRelease(["--targets", target, "--signing-key", key.privatePath, "--out-dir", out]);
    if (result.status !== 0) throw new Error(`release build failed:\n${result.stderr}`);
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("writes the archive, install.sh, SHA256SUMS and SHA256SUMS.sig", () => {
    expect(readdirSync(out).sort()).toEqual([SUMS_FILE, SIGNATURE_FILE, "install.sh", artifactName(target)].sort());
  });

  test("SHA256SUMS gives every other file's SHA-256 in sha256sum format", () => {
    const lines = readFileSync(join(out, SUMS_FILE), "utf8").trimEnd().split("\n");
    const expected = ["install.sh", artifactName(target)]
      .sort()
      .map((name) => `${sha256Hex(readFileSync(join(out, name)))}  ${name}`);
    expect(lines).toEqual(expected);
    expect(run("sha256sum", ["--check", "--strict", SUMS_FILE], out).status).toBe(0);
  });

  test("SHA256SUMS.sig verifies with openssl and the public key, and fails for changed sums", () => {
    const good = opensslVerify(key.publicPath, join(out, SUMS_FILE), join(out, SIGNATURE_FILE));
    expect(good.stdout).toContain("Signature Verified Successfully");
    expect(good.status).toBe(0);
    const changed = join(dir, "changed-sums");
    writeFileSync(
      changed,
      readFileSync(join(out, SUMS_FILE), "utf8").replace(/^./, (c) => (c === "0" ? "1" : "0")),
    );
    expect(opensslVerify(key.publicPath, changed, join(out, SIGNATURE_FILE)).status).not.toBe(0);
  });

  test("the release's install.sh carries the public key and passes shellcheck and sh -n", () => {
    const script = readFileSync(join(out, "install.sh"), "utf8");
    expect(script).toContain(`PUBLIC_KEY='${readFileSync(key.publicPath, "utf8").trim()}'`);
    expect(run("sh", ["-n", "install.sh"], out).status).toBe(0);
    expect(run("shellcheck", ["-s", "sh", "install.sh"], out).status).toBe(0);
  });

  test("the archive's tollgate runs here and names its target", () => {
    const unpacked = join(dir, "unpacked");
    mkdirSync(unpacked);
    expect(run("tar", ["-xzf", join(out, artifactName(target)), "-C", unpacked]).status).toBe(0);
    const version = run(join(unpacked, "tollgate"), ["--version", "--json"]);
    expect(version.status).toBe(0);
    expect(JSON.parse(version.stdout)).toMatchObject({ target, compiled: true });
  });
});

describe("bun run build:release refuses", () => {
  test("an unknown target, with exit 2, naming it and the known ones", () => {
    const result = runRelease(["--targets", "linux-x64,plan9-mips", "--out-dir", tempDir()]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unknown target plan9-mips; known: linux-x64, linux-x64-baseline");
  });

  test("a signing key in the environment that is not a PEM key, with exit 2", () => {
    const result = runRelease(["--targets", "linux-x64", "--out-dir", tempDir()], {
      TOLLGATE_RELEASE_SIGNING_KEY: "/path/to/key.pem",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("TOLLGATE_RELEASE_SIGNING_KEY must hold the PEM key itself");
  });

  test("a target whose Bun runtime cannot be fetched, naming the target", () => {
    const cross = process.platform === "darwin" ? "windows-x64" : "darwin-x64";
    const result = runRelease(["--targets", cross, "--out-dir", tempDir()], {
      // An empty runtime cache and an unreachable download make the fetch fail at once.
      BUN_INSTALL_CACHE_DIR: tempDir(),
      BUN_COMPILE_TARGET_TARBALL_URL: "http://127.0.0.1:1/bun.tgz",
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`release: target ${cross} failed`);
    expect(result.stderr).toContain("npm registry");
  });
});
