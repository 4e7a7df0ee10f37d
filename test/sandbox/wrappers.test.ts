import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { commandChain, type Link, programName, WRAPPERS } from "../../src/sandbox/wrappers.ts";
import { tempDir } from "../helpers.ts";

const wrapped = (argv: string[]) =>
  commandChain(argv).map((link) => [link.name, link.argv.slice(link.start).join(" "), link.commandString]);

describe("wrapper chains", () => {
  test("env, timeout, nice... are looked through to the command they run", () => {
    const chain = commandChain(["timeout", "-s", "KILL", "10", "env", "-u", "HOME", "FOO=1", "git", "status"]);
    expect(chain.map((link) => [link.name, link.argv.slice(link.start).join(" ")])).toEqual([
      ["timeout", "timeout -s KILL 10 env -u HOME FOO=1 git status"],
      ["env", "env -u HOME FOO=1 git status"],
      ["git", "git status"],
    ]);
    expect(chain[1]?.assignments).toEqual(["FOO=1"]);
    expect(commandChain(["env", "-S", "sh -c x"]).at(-1)?.commandString).toBe("-S");
    expect(commandChain(["flock", "/tmp/lock", "--command", "x"]).at(-1)?.commandString).toBe("--command");
  });

  test("options parsed as getopt_long does: clusters, abbreviations, = forms, --", () => {
    expect(commandChain(["env", "-iS", "sh -c x"]).at(-1)?.commandString).toBe("-S");
    expect(commandChain(["env", "-iSsh -c x"]).at(-1)?.commandString).toBe("-S");
    expect(commandChain(["env", "--sp", "sh -c x"]).at(-1)?.commandString).toBe("--split-string");
    expect(commandChain(["env", "--split-s=sh -c x"]).at(-1)?.commandString).toBe("--split-string");
    expect(wrapped(["env", "-uHOME", "-C/tmp", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["env", "-u", "-i", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["env", "--", "-i", "ls"]).at(-1)?.[0]).toBe("-i");
    expect(wrapped(["env", "FOO=1", "-i", "ls"]).at(-1)?.[0]).toBe("-i");
    expect(wrapped(["timeout", "--sig", "KILL", "--k=1", "5", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["nice", "-5", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["xargs", "-i", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["xargs", "-I", "{}", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["chrt", "-o", "0", "ls"]).at(-1)?.[0]).toBe("ls");
    expect(wrapped(["chrt", "-o", "ls"]).at(-1)?.[0]).toBe("ls");
  });

  test("an unknown, ambiguous or refused wrapper option leaves the link unparsed", () => {
    expect(commandChain(["env", "--no-such", "ls"]).at(-1)?.unparsed).toContain("--no-such");
    expect(commandChain(["env", "-X", "ls"]).at(-1)?.unparsed).toContain("-X");
    expect(commandChain(["flock", "--n", "/tmp/l", "ls"]).at(-1)?.unparsed).toContain("ambiguous");
    expect(commandChain(["flock", "--nonb", "/tmp/l", "ls"]).at(-1)?.name).toBe("ls");
    expect(commandChain(["sudo", "--h", "ls"]).at(-1)?.unparsed).toContain("ambiguous");
    expect(commandChain(["sudo", "-h", "host", "ls"]).at(-1)?.unparsed).toContain("-h");
    expect(commandChain(["nohup", "--help=x", "ls"]).at(-1)?.unparsed).toContain("takes no value");
  });
});

/**
 * The real GNU/util-linux wrappers decide: a PATH of programs p0..p5 that print
 * their own name, so the program the wrapper really runs names itself, and
 * tollgate's chain must end at that same argument.
 */
describe("the chain ends where the real wrapper starts its command (property, real programs)", () => {
  const bin = tempDir("tollgate-wrappers-");
  for (let n = 0; n < 6; n++) {
    const path = join(bin, `p${n}`);
    writeFileSync(path, `#!/bin/sh\necho p${n}\n`);
    chmodSync(path, 0o755);
  }
  const real = (program: string) =>
    ["/usr/bin", "/bin"].map((dir) => join(dir, program)).find((file) => Bun.file(file).size > 0);

  const cases: Record<string, string[]> = {
    env: [
      "-i",
      "-0",
      "-v",
      "-u",
      "-uX",
      "--unset",
      "--unset=X",
      "--un",
      "-C",
      "-C/",
      "--chdir=/",
      "--ch",
      "/",
      "-",
      "--",
      "--ignore-env",
      "--debug",
      "A=1",
      "B=2",
    ],
    timeout: [
      "-s",
      "-sKILL",
      "--signal=TERM",
      "--sig",
      "TERM",
      "-k",
      "-k1",
      "--kill=1",
      "-v",
      "--verbose",
      "--preserve",
      "--foreground",
      "--",
      "5",
      "1",
    ],
    nice: ["-n", "-n1", "--adj=2", "--adjustment", "1", "-5", "--", "3"],
    stdbuf: ["-o", "-oL", "--output=L", "-e0", "--err", "0", "-i0", "L", "--"],
    setsid: ["-c", "-f", "-w", "-fw", "--wait", "--fork", "--"],
    taskset: ["-a", "1", "0x1", "--"],
    xargs: [
      "-0",
      "-r",
      "-t",
      "-i",
      "-ix",
      "-I",
      "-Ix",
      "-n",
      "-n1",
      "--max-args=1",
      "--max-a",
      "1",
      "-d",
      "-d,",
      "-E",
      "-EEND",
      "-e",
      "-l",
      "-L1",
      "-P1",
      "-s",
      "1000",
      "--",
    ],
    flock: ["-s", "-x", "-n", "-o", "-w", "-w1", "--timeout=1", "--wait", "1", "-E", "9", "-F", "--"],
  };
  for (const [wrapper, words] of Object.entries(cases)) {
    const program = real(wrapper);
    test.skipIf(program === undefined)(`${wrapper}`, () => {
      const lock = join(bin, "lock");
      const token = fc.oneof(fc.constantFrom(...words), fc.constantFrom("p0", "p1", "p2", "p3", "p4", "p5"));
      fc.assert(
        fc.property(fc.array(token, { maxLength: 6 }), fc.constantFrom("p0", "p1", "p2"), (args, last) => {
          const argv = [wrapper, ...args, last, "p5"];
          // flock's lock file is its first operand: put it right after the options.
          const full = wrapper === "flock" ? insertAfterOptions(argv, [lock]) : argv;
          const ran = spawnSync(program as string, full.slice(1), {
            // A misplaced option can become flock's lock file: create it in the scratch folder, not the checkout.
            cwd: bin,
            env: { PATH: `${bin}:/usr/bin:/bin` },
            input: "",
            encoding: "utf8",
            timeout: 5000,
          });
          const printed = ran.status === 0 ? ran.stdout.trim().split("\n")[0] : undefined;
          const chain = commandChain(full);
          const end = chain[chain.length - 1] as Link;
          // A program really ran: tollgate's chain ends at that same one, unless it refused the parse.
          if (printed !== undefined && /^p[0-5]$/.test(printed) && end.unparsed === undefined) {
            expect(chain.length > 1 ? programName(end.argv[end.start] ?? "") : "nothing").toBe(printed);
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});

/** `argv` with `extra` inserted after the wrapper's leading options (flock wants its lock file there). */
function insertAfterOptions(argv: string[], extra: string[]): string[] {
  let i = 1;
  while (i < argv.length && (argv[i] as string).startsWith("-")) i++;
  return [...argv.slice(0, i), ...extra, ...argv.slice(i)];
}

test("every wrapper's table parses (letters and long names)", () => {
  for (const [name, spec] of Object.entries(WRAPPERS)) {
    expect(spec.short).toMatch(/^([0-9A-Za-z]:{0,2})*$/);
    for (const entry of spec.long.split(" ").filter(Boolean))
      expect(entry, name).toMatch(/^[a-z-]+(\/[0-9A-Za-z])?:{0,2}$/);
  }
});
