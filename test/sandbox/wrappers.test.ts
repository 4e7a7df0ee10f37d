import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { commandChain, programName, WRAPPERS } from "../../src/sandbox/wrappers.ts";

/** The wrapper parsing as first written (slices and option lists), the model the table-driven one must match. */
function referenceChain(argv: readonly string[]): { chain: string[][]; commandString?: string } {
  const takesValue = (arg: string, options: readonly string[]) => {
    for (const option of options) {
      if (arg === option) return "separate";
      if (option.startsWith("--") ? arg.startsWith(`${option}=`) : arg.startsWith(option)) return "attached";
    }
    return undefined;
  };
  const unwrap = (args: readonly string[]): { inner?: string[]; commandString?: string } | undefined => {
    const spec = WRAPPERS[programName(args[0] ?? "")];
    if (!spec) return undefined;
    let operands = spec.operands;
    let options = true;
    for (let i = 1; i < args.length; i++) {
      const arg = args[i] as string;
      if (options && arg === "--") {
        options = false;
        continue;
      }
      if (options && arg.startsWith("-") && arg !== "-") {
        const commandString = spec.commandStrings?.find((option) => takesValue(arg, [option]));
        if (commandString) return { commandString };
        if (takesValue(arg, spec.values) === "separate") i++;
        continue;
      }
      if (spec.assignments && operands === 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(arg)) continue;
      if (operands > 0) {
        operands--;
        continue;
      }
      return { inner: args.slice(i) };
    }
    return {};
  };
  const chain = [[...argv]];
  for (;;) {
    const unwrapped = unwrap(chain[chain.length - 1] as string[]);
    if (!unwrapped?.inner) return { chain, commandString: unwrapped?.commandString };
    chain.push(unwrapped.inner);
  }
}

const word = fc.oneof(
  fc.constantFrom(...Object.keys(WRAPPERS), "/usr/bin/env", "git", "sh", "python3", "status", "-c", "x"),
  fc.constantFrom(...Object.values(WRAPPERS).flatMap((spec) => [...spec.values, ...(spec.commandStrings ?? [])])),
  fc.constantFrom("--", "-", "-n10", "--unset=HOME", "-S", "--split-string=sh -c x", "FOO=1", "1x=2", "_A9=", "30"),
  fc.stringMatching(/^[-A-Za-z0-9_=.]{1,6}$/),
);

describe("wrapper chains", () => {
  test("env, timeout, nice... are looked through to the command they run", () => {
    const chain = commandChain(["timeout", "-s", "KILL", "10", "env", "-u", "HOME", "FOO=1", "git", "status"]);
    expect(chain.map((link) => [link.name, link.argv.slice(link.start).join(" ")])).toEqual([
      ["timeout", "timeout -s KILL 10 env -u HOME FOO=1 git status"],
      ["env", "env -u HOME FOO=1 git status"],
      ["git", "git status"],
    ]);
    expect(commandChain(["env", "-S", "sh -c x"]).at(-1)?.commandString).toBe("-S");
    expect(commandChain(["flock", "/tmp/lock", "--command=x"]).at(-1)?.commandString).toBe("--command");
  });

  test("the same chain as the first, list-scanning parser on any argv (property)", () => {
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), (argv) => {
        const chain = commandChain(argv);
        const reference = referenceChain(argv);
        expect(chain.map((link) => link.argv.slice(link.start))).toEqual(reference.chain);
        expect(chain.map((link) => link.name)).toEqual(reference.chain.map((link) => programName(link[0] ?? "")));
        expect(chain.at(-1)?.commandString).toBe(reference.commandString);
      }),
      { numRuns: 2000 },
    );
  });
});
