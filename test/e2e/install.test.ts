/**
 * install.sh end to end: a signed release for this machine, served from a
 * loopback mirror, installed into temp folders; tampered, unsigned and
 * incomplete releases refused; the air-gapped --from-file path with no
 * download tool at all; platform detection through stand-in uname/ldd/sysctl.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join, normalize } from "node:path";
import { artifactName, SIGNATURE_FILE, SUMS_FILE } from "../../scripts/release.ts";
import { PROJECT_ROOT, tempDir } from "../helpers.ts";
import { hostReleaseTarget, INSTALL_SH, runRelease, writeSigningKey } from "../scripts/release-fixture.ts";

const FIXTURES = join(PROJECT_ROOT, "test", "fixtures", "install");
const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string }).version;
/** Every command install.sh runs, besides the download tools and openssl. */
const BASE_TOOLS = [
  "uname",
  "id",
  "mktemp",
  "rm",
  "mkdir",
  "cp",
  "chmod",
  "mv",
  "tar",
  "gzip",
  "awk",
  "grep",
  "sha256sum",
];

const root = tempDir("tollgate-install-test-");
const www = join(root, "www");
/** A fresh folder inside root, which afterAll removes with the installed binaries in it. */
const scratch = () => mkdtempSync(join(root, "scratch-"));
let target: string;
let archive: string;
let server: ReturnType<typeof Bun.serve>;

/** A mirror folder on the loopback server: the good release with some files replaced. */
function mirror(name: string, replace: Record<string, Uint8Array | null> = {}): string {
  const dir = join(www, name);
  mkdirSync(dir);
  for (const file of readdirSync(join(www, "good"))) {
    const content = replace[file];
    if (content === undefined) symlinkSync(join(www, "good", file), join(dir, file));
    else if (content !== null) writeFileSync(join(dir, file), content);
  }
  return `http://127.0.0.1:${server.port}/${name}`;
}

interface Installed {
  code: number;
  stdout: string;
  stderr: string;
  /** The run's TMPDIR, which must be empty afterwards. */
  tmp: string;
}

/** Runs install.sh (the release's, stamped with the key) asynchronously, so the server in this process answers. */
async function install(args: string[], env: Record<string, string> = {}, argv?: string[]): Promise<Installed> {
  const tmp = scratch();
  const proc = Bun.spawn(argv ?? ["/bin/sh", join(www, "good", "install.sh"), ...args], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: scratch(), TMPDIR: tmp, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { code, stdout, stderr, tmp };
}

/** A PATH holding only the named tools (symlinked), to prove what install.sh can do without the others. */
function toolbox(tools: string[]): string {
  const dir = scratch();
  for (const tool of tools) {
    const path = Bun.which(tool);
    if (!path) throw new Error(`${tool} is needed by this test and is not installed`);
    symlinkSync(path, join(dir, tool));
  }
  return dir;
}

function expectNothingInstalled(dir: string, run: Installed) {
  expect(existsSync(dir) ? readdirSync(dir) : []).toEqual([]);
  expect(readdirSync(run.tmp)).toEqual([]);
}

function expectInstalled(dir: string, run: Installed) {
  if (run.code !== 0) throw new Error(`install.sh failed (${run.code}):\n${run.stderr}`);
  expect(readdirSync(dir)).toEqual(["tollgate"]);
  expect(readdirSync(run.tmp)).toEqual([]);
  const version = spawnSync(join(dir, "tollgate"), ["--version"], { encoding: "utf8" });
  expect(version.status).toBe(0);
  expect(version.stdout).toStartWith(`tollgate ${VERSION}\n`);
  expect(version.stdout).toContain(`target:  ${target}\n`);
}

beforeAll(() => {
  target = hostReleaseTarget();
  archive = artifactName(target);
  const key = writeSigningKey(root);
  const result = runRelease(["--targets", target, "--signing-key", key.privatePath, "--out-dir", join(www, "good")]);
  if (result.status !== 0) throw new Error(`release build failed:\n${result.stderr}`);
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = normalize(join(www, decodeURIComponent(new URL(request.url).pathname)));
      if (!path.startsWith(`${www}/`) || !existsSync(path)) return new Response("not found", { status: 404 });
      return new Response(Bun.file(path));
    },
  });

  const sums = readFileSync(join(www, "good", SUMS_FILE), "utf8");
  const tampered = readFileSync(join(www, "good", archive));
  const middle = Math.floor(tampered.length / 2);
  tampered[middle] = (tampered[middle] as number) ^ 0xff;
  const withoutEntry = sums
    .split("\n")
    .filter((line) => !line.endsWith(`  ${archive}`))
    .join("\n");
  const otherKey = generateKeyPairSync("ed25519").privateKey;
  mirror("tampered", { [archive]: tampered });
  mirror("wrong-signature", { [SIGNATURE_FILE]: sign(null, Buffer.from(sums), otherKey) });
  mirror("unsigned", { [SIGNATURE_FILE]: null });
  // Signed with the right key, so only the missing entry can be what is refused.
  mirror("no-entry", {
    [SUMS_FILE]: Buffer.from(withoutEntry),
    [SIGNATURE_FILE]: sign(null, Buffer.from(withoutEntry), key.privateKey),
  });
}, 300_000);

afterAll(() => {
  server?.stop(true);
  rmSync(root, { recursive: true, force: true });
});

const base = (name: string) => `http://127.0.0.1:${server.port}/${name}`;

describe("install.sh from a mirror", () => {
  test("downloads, verifies the signature and the checksum, installs, and says how to reach it on PATH", async () => {
    const dir = join(scratch(), "bin");
    const run = await install(["--install-dir", dir], { TOLLGATE_DOWNLOAD_BASE: base("good") });
    expectInstalled(dir, run);
    expect(run.stderr).toContain("signature of SHA256SUMS verified");
    expect(run.stderr).toContain(`SHA-256 of ${archive} verified`);
    expect(run.stderr).toContain(`export PATH="${dir}:$PATH"`);
  });

  test("works as `curl -fsSL .../install.sh | sh -s -- --install-dir DIR`", async () => {
    const dir = join(scratch(), "bin");
    const pipeline = `curl -fsSL '${base("good")}/install.sh' | sh -s -- --install-dir '${dir}'`;
    const run = await install([], { TOLLGATE_DOWNLOAD_BASE: base("good") }, ["/bin/sh", "-c", pipeline]);
    expectInstalled(dir, run);
  });

  test("downloads with wget when there is no curl", async () => {
    const dir = join(scratch(), "bin");
    const path = toolbox([...BASE_TOOLS, "wget", "openssl"]);
    const run = await install(["--install-dir", dir], { PATH: path, TOLLGATE_DOWNLOAD_BASE: base("good") });
    expectInstalled(dir, run);
  });

  test("running it again leaves one working binary and no temporary files; a dir on PATH gets no hint", async () => {
    const dir = join(scratch(), "bin");
    const env = { TOLLGATE_DOWNLOAD_BASE: base("good"), PATH: `${dir}:${process.env.PATH}` };
    expectInstalled(dir, await install(["--install-dir", dir], env));
    const again = await install(["--install-dir", dir, "--version", VERSION], env);
    expectInstalled(dir, again);
    expect(again.stderr).not.toContain("not on your PATH");
  });

  test("refuses a tampered archive and installs nothing", async () => {
    const dir = join(scratch(), "bin");
    const run = await install(["--install-dir", dir], { TOLLGATE_DOWNLOAD_BASE: base("tampered") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${archive} does not match its SHA-256 in SHA256SUMS`);
    expectNothingInstalled(dir, run);
  });

  test("refuses a SHA256SUMS signed by another key", async () => {
    const dir = join(scratch(), "bin");
    const run = await install(["--install-dir", dir], { TOLLGATE_DOWNLOAD_BASE: base("wrong-signature") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("SHA256SUMS.sig is not a valid signature of SHA256SUMS");
    expectNothingInstalled(dir, run);
  });

  test("refuses an unsigned release, since it carries a release key", async () => {
    const dir = join(scratch(), "bin");
    const run = await install(["--install-dir", dir], { TOLLGATE_DOWNLOAD_BASE: base("unsigned") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`could not download ${base("unsigned")}/SHA256SUMS.sig`);
    expectNothingInstalled(dir, run);
  });

  test("refuses an archive that SHA256SUMS does not list", async () => {
    const dir = join(scratch(), "bin");
    const run = await install(["--install-dir", dir], { TOLLGATE_DOWNLOAD_BASE: base("no-entry") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`SHA256SUMS has no entry for ${archive}`);
    expectNothingInstalled(dir, run);
  });

  test("refuses a release that is not the version asked for, keeping the installed one", async () => {
    const dir = join(scratch(), "bin");
    const env = { TOLLGATE_DOWNLOAD_BASE: base("good") };
    expectInstalled(dir, await install(["--install-dir", dir], env));
    const run = await install(["--install-dir", dir, "--version", "v99.0.0"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`asked for version 99.0.0 but the archive holds tollgate ${VERSION}`);
    expectInstalled(dir, { ...run, code: 0 });
  });

  test("the repository's install.sh, which carries no key, checks the checksum only and says so", async () => {
    const dir = join(scratch(), "bin");
    const run = await install([], { TOLLGATE_DOWNLOAD_BASE: base("unsigned") }, [
      "/bin/sh",
      INSTALL_SH,
      "--install-dir",
      dir,
    ]);
    expectInstalled(dir, run);
    expect(run.stderr).toContain("carries no release key: only the SHA-256 checksum was checked");
  });

  test("says so when there is neither curl nor wget", async () => {
    const dir = join(scratch(), "bin");
    const path = toolbox([...BASE_TOOLS, "openssl"]);
    const run = await install(["--install-dir", dir], { PATH: path, TOLLGATE_DOWNLOAD_BASE: base("good") });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("found neither curl nor wget");
    expectNothingInstalled(dir, run);
  });
});

describe("install.sh --from-file, air-gapped", () => {
  const files = (name: string) => [
    "--from-file",
    join(www, name, archive),
    "--sums",
    join(www, name, SUMS_FILE),
    "--sig",
    join(www, name, SIGNATURE_FILE),
  ];

  test("installs with no download tool on PATH, checking the signature with openssl", async () => {
    const path = toolbox([...BASE_TOOLS, "openssl"]);
    expect(Bun.which("curl", { PATH: path }) ?? Bun.which("wget", { PATH: path })).toBeNull();
    const dir = join(scratch(), "bin");
    const run = await install([...files("good"), "--install-dir", dir], { PATH: path });
    expectInstalled(dir, run);
    expect(run.stderr).toContain("signature of SHA256SUMS verified");
    expect(run.stderr).not.toContain("downloading");
  });

  test("without openssl, checks the checksum and warns that the signature was not checked", async () => {
    const dir = join(scratch(), "bin");
    const run = await install([...files("good"), "--install-dir", dir], { PATH: toolbox(BASE_TOOLS) });
    expectInstalled(dir, run);
    expect(run.stderr).toContain("only the SHA-256 checksum was checked");
  });

  test("refuses a tampered archive and a wrong signature", async () => {
    for (const name of ["tampered", "wrong-signature"]) {
      const dir = join(scratch(), "bin");
      const run = await install([...files(name), "--install-dir", dir], { PATH: toolbox([...BASE_TOOLS, "openssl"]) });
      expect(run.code).toBe(1);
      expectNothingInstalled(dir, run);
    }
  });

  test("needs --sig, since this install.sh carries a release key", async () => {
    const run = await install(files("good").slice(0, 4));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("pass --sig PATH");
  });
});

describe("install.sh detects the platform", () => {
  const cases: [string, Record<string, string>, string][] = [
    ["x86_64 with AVX2", { FAKE_UNAME_M: "x86_64", TOLLGATE_CPUINFO: "cpuinfo-haswell" }, "linux-x64"],
    ["x86_64 without AVX2", { FAKE_UNAME_M: "x86_64", TOLLGATE_CPUINFO: "cpuinfo-sandybridge" }, "linux-x64-baseline"],
    [
      "x86_64 musl",
      { FAKE_UNAME_M: "x86_64", FAKE_LIBC: "musl", TOLLGATE_CPUINFO: "cpuinfo-haswell" },
      "linux-x64-musl",
    ],
    ["aarch64", { FAKE_UNAME_M: "aarch64" }, "linux-arm64"],
    ["aarch64 musl", { FAKE_UNAME_M: "aarch64", FAKE_LIBC: "musl" }, "linux-arm64-musl"],
    ["Darwin arm64", { FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "arm64" }, "darwin-arm64"],
    [
      "Darwin x86_64 under Rosetta",
      { FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "x86_64", FAKE_PROC_TRANSLATED: "1" },
      "darwin-arm64",
    ],
    [
      "Darwin x86_64 with AVX2",
      { FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "x86_64", FAKE_LEAF7_FEATURES: "BMI1 AVX2 SMEP" },
      "darwin-x64",
    ],
  ];

  const detect = (env: Record<string, string>, args: string[] = []) => {
    const cpuinfo = env.TOLLGATE_CPUINFO;
    return install(["--dry-run", "--install-dir", "/nonexistent", ...args], {
      PATH: `${join(FIXTURES, "bin")}:${process.env.PATH}`,
      FAKE_UNAME_S: "Linux",
      ...env,
      ...(cpuinfo ? { TOLLGATE_CPUINFO: join(FIXTURES, cpuinfo) } : {}),
    });
  };

  for (const [name, env, expected] of cases) {
    test(`${name} -> ${expected}`, async () => {
      const run = await detect({ ...env, TOLLGATE_DOWNLOAD_BASE: "http://127.0.0.1:1/mirror" });
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`target:      ${expected}\n`);
      expect(run.stdout).toContain(`archive:     http://127.0.0.1:1/mirror/tollgate-${expected}.tar.gz\n`);
    });
  }

  const unsupported: [string, Record<string, string>, string][] = [
    [
      "x86_64 musl without AVX2",
      { FAKE_UNAME_M: "x86_64", FAKE_LIBC: "musl", TOLLGATE_CPUINFO: "cpuinfo-sandybridge" },
      "no baseline musl build",
    ],
    [
      "an Intel Mac without AVX2",
      { FAKE_UNAME_S: "Darwin", FAKE_UNAME_M: "x86_64", FAKE_LEAF7_FEATURES: "BMI1 SMEP" },
      "lacks AVX2",
    ],
    [
      "Windows (Git Bash)",
      { FAKE_UNAME_S: "MINGW64_NT-10.0-19045", FAKE_UNAME_M: "x86_64" },
      "tollgate-windows-x64.exe",
    ],
    ["FreeBSD", { FAKE_UNAME_S: "FreeBSD", FAKE_UNAME_M: "amd64" }, "operating system 'FreeBSD'"],
    ["riscv64", { FAKE_UNAME_M: "riscv64" }, "CPU 'riscv64'"],
  ];
  for (const [name, env, message] of unsupported) {
    test(`${name}: a clear error`, async () => {
      const run = await detect(env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(run.stdout).toBe("");
    });
  }

  test("--target overrides detection, and --version picks the release URL", async () => {
    const run = await detect({ FAKE_UNAME_M: "aarch64" }, ["--target", "linux-x64-baseline", "--version", "v1.2.3"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("target:      linux-x64-baseline\n");
    expect(run.stdout).toContain(
      "archive:     https://github.com/tollgate-dev/tollgate/releases/download/v1.2.3/tollgate-linux-x64-baseline.tar.gz\n",
    );
    expect(run.stdout).toContain(
      "signature:   https://github.com/tollgate-dev/tollgate/releases/download/v1.2.3/SHA256SUMS.sig\n",
    );
  });
});

describe("install.sh usage", () => {
  test("--help lists every option", async () => {
    const run = await install(["--help"]);
    expect(run.code).toBe(0);
    for (const option of ["--version", "--install-dir", "--target", "--from-file", "--sums", "--sig", "--dry-run"]) {
      expect(run.stdout).toContain(option);
    }
  });

  test("a bad flag or value is a usage error: a message and exit 2", async () => {
    const bad = [
      ["--bogus"],
      ["--install-dir"],
      ["--install-dir", "--target"],
      ["--target", "sparc-solaris"],
      ["--target", "windows-x64"],
      ["--from-file", "tollgate-linux-x64.tar.gz"],
      ["--sums", "SHA256SUMS"],
      ["--version", "1.0;reboot"],
    ];
    for (const args of bad) {
      const run = await install(["--dry-run", ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toContain("--help");
      expect(run.stdout).toBe("");
    }
  });

  test("the repository's install.sh is clean under shellcheck -s sh", () => {
    const result = spawnSync("shellcheck", ["-s", "sh", INSTALL_SH], { encoding: "utf8" });
    if (result.error) throw result.error;
    expect(result.stdout).toBe("");
    expect(result.status).toBe(0);
  });
});
