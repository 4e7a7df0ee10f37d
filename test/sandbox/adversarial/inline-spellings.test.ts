/**
 * Every spelling of the known inline-code forms is refused: option clusters,
 * every unambiguous abbreviation of a long option, `=` or a separate value,
 * with or without `--`, inside one to three wrappers. A counter-property keeps
 * harmless spellings allowed, so refusing everything cannot pass.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CODE_ENV_VARS, inlineCodeForm, stdinProgram } from "../../../src/sandbox/inline-code.ts";

type Argv = readonly string[];
const { constantFrom, tuple, oneof, array, subarray, shuffledSubarray } = fc;

/** `--name` abbreviated to each unambiguous prefix (at least `min` letters), as getopt_long and parse-options take it. */
const longSpelling = (name: string, min: number) =>
  fc.integer({ min, max: name.length }).map((length) => `--${name.slice(0, length)}`);

/** A long option with its value: `--opt=value` or `--opt value`. */
const longWithValue = (name: string, min: number, value: fc.Arbitrary<string>): fc.Arbitrary<Argv> =>
  tuple(longSpelling(name, min), value, fc.boolean()).map(([option, v, attached]) =>
    attached ? [`${option}=${v}`] : [option, v],
  );

/** A short option with its value, after a cluster of flags that take none: `-iS'v'`, `-i -S v`. */
const shortWithValue = (letter: string, flags: string, value: fc.Arbitrary<string>): fc.Arbitrary<Argv> =>
  tuple(shuffledSubarray([...flags]), value, fc.boolean(), fc.boolean()).map(([cluster, v, attached, split]) => {
    const head =
      split && cluster.length > 0 ? [`-${cluster.join("")}`, `-${letter}`] : [`-${cluster.join("")}${letter}`];
    return attached ? [...head.slice(0, -1), `${head.at(-1)}${v}`] : [...head, v];
  });

const code = constantFrom("id", "sh -c id", "import os; os.system('id')", "!sh");

/** Wrappers, each spelled one of the ways the real program accepts, that run the rest of argv. */
const wrapper: fc.Arbitrary<Argv> = oneof(
  tuple(
    subarray([["-i"], ["-0"], ["--ignore-environment"], ["-uHOME"], ["--unset=HOME"], ["--un", "X"], ["-"]]),
    fc.boolean(),
  ).map(([options, dashdash]) => ["env", ...options.flat(), ...(dashdash ? ["--"] : [])]),
  tuple(
    oneof(constantFrom([], ["-v"], ["--sig=KILL"], ["-sKILL"], ["--k", "1"], ["--preserve"])),
    constantFrom("5", "1.5s"),
  ).map(([options, duration]) => ["timeout", ...options, duration]),
  constantFrom(["nice"], ["nice", "-5"], ["nice", "-n", "5"], ["nice", "--adj=5"], ["nice", "-n5", "--"]),
  constantFrom(["nohup"], ["setsid", "-fw"], ["setsid", "--wait"], ["stdbuf", "-oL"], ["stdbuf", "--out=L", "-e0"]),
  constantFrom(
    ["taskset", "1"],
    ["taskset", "-c", "0"],
    ["chrt", "-o", "0"],
    ["ionice", "-c3"],
    ["ionice", "--class", "3"],
  ),
  constantFrom(
    ["sudo", "-u", "root"],
    ["sudo", "-nE"],
    ["sudo", "--user=root", "--"],
    ["/usr/bin/env"],
    ["time", "-p"],
  ),
);
const wrappers = array(wrapper, { minLength: 1, maxLength: 3 }).map((list) => list.flat());

/** Inline-code forms in many spellings: each is program text or a program run that the policy never checked. */
const dangerous: fc.Arbitrary<Argv> = oneof(
  // env's split string, clustered, abbreviated, attached.
  tuple(oneof(shortWithValue("S", "i0v", code), longWithValue("split-string", 1, code)), subarray(["-i", "-uX"])).map(
    ([split, before]) => ["env", ...before, ...split],
  ),
  // Shells and interpreters: clusters and = forms.
  tuple(constantFrom("sh", "bash", "dash", "/bin/sh"), shortWithValue("c", "exl", code)).map(([sh, c]) => [sh, ...c]),
  tuple(constantFrom("python3", "python", "python3.11"), shortWithValue("c", "IBsu", code)).map(([py, c]) => [
    py,
    ...c,
  ]),
  tuple(constantFrom("python3", "pypy3"), shortWithValue("m", "IB", constantFrom("timeit", "pdb", "code")), code).map(
    ([py, m, c]) => [py, ...m, c],
  ),
  tuple(
    constantFrom("node", "bun"),
    oneof(shortWithValue("e", "", code), longWithValue("eval", 1, code), longWithValue("print", 1, code)),
  ).map(([node, e]) => [node, ...e]),
  tuple(constantFrom("perl", "perl5.36"), shortWithValue("e", "lnpw", code)).map(([perl, e]) => [perl, ...e]),
  tuple(constantFrom("ruby"), shortWithValue("e", "wn", code)).map(([ruby, e]) => [ruby, ...e]),
  // git: -c keys that run programs (any case), subcommand options by unique prefix.
  tuple(
    constantFrom(
      "trailer.x.cmd",
      "trailer.x.command",
      "alias.x",
      "core.fsmonitor",
      "core.pager",
      "core.sshCommand",
      "core.editor",
      "core.hooksPath",
      "sequence.editor",
      "diff.external",
      "diff.x.textconv",
      "diff.x.command",
      "filter.x.clean",
      "filter.x.smudge",
      "filter.x.process",
      "merge.x.driver",
      "credential.helper",
      "gpg.program",
      "gpg.ssh.program",
      "uploadpack.packObjectsHook",
      "protocol.ext.allow",
      "core.askPass",
      "interactive.diffFilter",
    ),
    fc.boolean(),
    fc.boolean(),
  ).map(([key, upper, attached]) => {
    const spelled = upper ? key.toUpperCase() : key;
    return ["git", ...(attached ? [`-c${spelled}=!id`] : ["-c", `${spelled}=!id`]), "status"];
  }),
  tuple(constantFrom("ls-remote", "fetch", "pull", "fetch-pack"), longWithValue("upload-pack", 3, code)).map(
    ([sub, option]) => ["git", sub, ...option, "origin"],
  ),
  tuple(
    constantFrom("push", "send-pack"),
    oneof(longWithValue("receive-pack", 3, code), longWithValue("exec", 3, code)),
  ).map(([sub, option]) => ["git", sub, ...option, "origin"]),
  tuple(shortWithValue("u", "nqv", code)).map(([u]) => ["git", "clone", ...u, "repo"]),
  tuple(longWithValue("exec", 3, code)).map(([e]) => ["git", "archive", "--remote=r", ...e, "HEAD"]),
  // Variables that choose the code a program runs.
  tuple(
    constantFrom(...CODE_ENV_VARS, "GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "LD_AUDIT", "BASH_FUNC_ls%%"),
    constantFrom("git", "ls", "node", "python3"),
  ).map(([name, program]) => ["env", `${name}=x`, program]),
  // awk program text, sed's e, find -exec.
  constantFrom(["awk", "{ print }"], ["gawk", "--sou", "BEGIN{}"], ["sed", "s/a/id/e"], ["sed", "-n", "-e", "1e id"]),
  constantFrom(["find", ".", "-exec", "id", ";"], ["find", ".", "-okdir", "id", ";"], ["xargs", "-0", "sh"]),
);

/** Harmless commands in many spellings, including options that look like the dangerous ones. */
const harmless: fc.Arbitrary<Argv> = oneof(
  constantFrom(
    ["ls"],
    ["git", "status"],
    ["git", "log", "-c"],
    ["python3", "script.py"],
    ["python3", "script.py", "-c", "x"],
  ),
  constantFrom(["python3", "-m", "pytest", "-c", "x.ini"], ["sh", "script.sh", "-c"]),
  constantFrom(
    ["awk", "-f", "prog.awk", "in.txt"],
    ["sed", "-n", "s/a/b/p", "f"],
    ["sed", "-i", "1d", "f"],
    ["grep", "-e", "x"],
  ),
  tuple(constantFrom("color.ui", "user.name", "core.autocrlf", "log.date"), fc.boolean()).map(([key, attached]) => [
    "git",
    ...(attached ? [`-c${key}=x`] : ["-c", `${key}=x`]),
    "status",
  ]),
  tuple(
    constantFrom("fetch", "pull"),
    constantFrom("--unshallow", "--prune", "--tags", "--depth=1", "--update-shallow"),
  ).map(([sub, option]) => ["git", sub, option, "origin"]),
  tuple(subarray(["-i", "-0", "-uHOME", "--unset=X", "--ignore-env"]), subarray(["FOO=bar", "CI=1", "LANG=C"])).map(
    ([options, assignments]) => ["env", ...options, ...assignments, "ls"],
  ),
);

describe("every spelling of a dangerous form is refused (property)", () => {
  test("alone", () => {
    fc.assert(
      fc.property(dangerous, (argv) => {
        expect(inlineCodeForm(argv)).toBeString();
      }),
      { numRuns: 3000 },
    );
  });

  test("inside one to three wrappers", () => {
    fc.assert(
      fc.property(wrappers, dangerous, (outer, argv) => {
        expect(inlineCodeForm([...outer, ...argv])).toBeString();
      }),
      { numRuns: 3000 },
    );
  });

  test("an interpreter after a pipe reading its program from stdin, inside wrappers", () => {
    const reader = oneof(
      tuple(
        constantFrom("sh", "bash", "python3", "node", "perl", "ruby"),
        constantFrom([], ["-"], ["/dev/stdin"], ["/dev/fd/0"], ["/proc/self/fd/0"]),
      ).map(([name, operand]) => [name, ...operand]),
      constantFrom(["sh", "-s"], ["bash", "-s", "--", "x"], ["python3", "-i", "x.py"], ["python3", "-m", "code"]),
    );
    fc.assert(
      fc.property(fc.option(wrappers, { nil: undefined }), reader, (outer, argv) => {
        expect(stdinProgram([...(outer ?? []), ...argv])).toBeString();
      }),
      { numRuns: 2000 },
    );
  });
});

describe("harmless spellings stay allowed (counter-property)", () => {
  test("alone and inside one to three wrappers", () => {
    fc.assert(
      fc.property(fc.option(wrappers, { nil: undefined }), harmless, (outer, argv) => {
        expect(inlineCodeForm([...(outer ?? []), ...argv])).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  test("an interpreter given a script file after a pipe", () => {
    fc.assert(
      fc.property(
        fc.option(wrappers, { nil: undefined }),
        constantFrom(["python3", "f.py"], ["sh", "f.sh"], ["node", "f.js"], ["jq", "."]),
        (outer, argv) => {
          expect(stdinProgram([...(outer ?? []), ...argv])).toBeUndefined();
        },
      ),
      { numRuns: 1000 },
    );
  });
});
