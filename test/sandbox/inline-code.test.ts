import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { evaluate, inlineCodeForm, stdinProgram } from "../../src/sandbox/index.ts";
import { namedRule } from "../../src/sandbox/inline-code.ts";
import { command, contract, options, policy } from "./fixtures.ts";

/** Each is inline code: program text in argv, or a program run that the policy never checked. */
const INLINE: string[][] = [
  ["python3", "-c", "print(1)"],
  ["python3", "-I", "-c", "print(1)"],
  ["python3", "-Ic", "print(1)"],
  ["python3", "-W", "ignore", "-c", "x"],
  ["python", "-c", "x"],
  ["/usr/bin/python3.11", "-c", "x"],
  ["pypy3", "-c", "x"],
  ["node", "--eval", "x"],
  ["node", "--eval=x"],
  ["node", "-e", "x"],
  ["node", "-p", "x"],
  ["node", "--print", "x"],
  ["node", "--no-warnings", "-pe", "x"],
  ["nodejs", "-e", "x"],
  ["bash", "-lc", "x"],
  ["bash", "-c", "x"],
  ["bash", "-xc", "x"],
  ["bash", "-ec", "x"],
  ["bash", "-o", "pipefail", "-c", "x"],
  ["bash", "+x", "-c", "x"],
  ["sh", "-c", "x"],
  ["dash", "-c", "x"],
  ["zsh", "-c", "x"],
  ["fish", "--command", "x"],
  ["env", "sh", "-c", "x"],
  ["env", "-i", "bash", "-c", "x"],
  ["env", "-u", "HOME", "FOO=1", "sh", "-c", "x"],
  ["env", "-S", "sh -c x"],
  ["/usr/bin/env", "python3", "-c", "x"],
  ["nice", "-n", "5", "sh", "-c", "x"],
  ["timeout", "-s", "KILL", "10", "python3", "-c", "x"],
  ["nohup", "sh", "-c", "x"],
  ["sudo", "-u", "root", "sh", "-c", "x"],
  ["stdbuf", "-o", "L", "sh", "-c", "x"],
  ["busybox", "sh", "-c", "x"],
  ["timeout", "5", "env", "nice", "bash", "-c", "x"],
  ["flock", "/tmp/lock", "-c", "x"],
  ["xargs", "sh"],
  ["xargs", "-n", "1", "python3"],
  ["xargs", "sh", "-c", "x"],
  ["xargs", "-0", "nice", "sh"],
  ["gawk", '--source=BEGIN { system("id") }'],
  ["find", ".", "-exec", "rm", "{}", ";"],
  ["find", ".", "-execdir", "x", "{}", "+"],
  ["find", ".", "-ok", "x", ";"],
  ["git", "-c", "alias.x=!sh -c evil", "x"],
  ["git", "-c", "core.sshCommand=evil", "fetch"],
  ["git", "-c", "core.pager=evil", "log"],
  ["git", "-c", "core.editor=evil", "commit"],
  ["git", "-c", "core.fsmonitor=evil", "status"],
  ["git", "-c", "diff.external=evil", "diff"],
  ["git", "-c", "filter.x.clean=evil", "add", "."],
  ["git", "-c", "credential.helper=!evil", "fetch"],
  ["git", "--config-env=core.pager=EVIL", "log"],
  ["git", "--exec-path=/tmp/evil", "status"],
  ["git", "rebase", "-x", "evil", "main"],
  ["git", "rebase", "--exec=evil", "main"],
  ["git", "bisect", "run", "evil"],
  ["git", "submodule", "foreach", "evil"],
  ["git", "filter-branch", "--tree-filter", "evil"],
  ["git", "clone", "--upload-pack=evil", "repo"],
  ["git", "config", "alias.x", "!evil"],
  ["perl", "-e", "x"],
  ["perl", "-le", "x"],
  ["perl", "-ne", "x"],
  ["perl", "-E", "x"],
  ["ruby", "-e", "x"],
  ["ruby", "-rjson", "-e", "x"],
  ["deno", "eval", "x"],
  ["bun", "-e", "x"],
  ["bun", "--eval", "x"],
  ["php", "-r", "x"],
  ["lua", "-e", "x"],
  ["Rscript", "-e", "x"],
  ["pwsh", "-Command", "x"],
  ["npx", "-c", "x"],
  ["npm", "exec", "-c", "x"],
  ["watch", "ls"],
  ["awk", 'BEGIN { system("sh") }'],
  ["awk", '{ print | "sh" }'],
  ["gawk", "-F:", '{ "id" | getline x }'],
  ["node", "--import=data:text/javascript,evil"],
  ["deno", "run", "data:text/javascript,evil"],
  ["tar", "-xf", "a.tar", "--to-command=sh"],
  ["tar", "-cf", "a.tar", "--checkpoint=1", "--checkpoint-action=exec=sh", "."],
  ["tar", "-I", "sh", "-xf", "a.tar"],
  ["rsync", "-e", "sh -c evil", "a", "b"],
  ["rsync", "--rsync-path=evil", "a", "host:b"],
  ["ssh", "-o", "ProxyCommand=evil", "host"],
  ["ssh", "-oLocalCommand=evil", "host"],
  ["zip", "a.zip", "f", "-T", "-TT", "evil"],
  ["vim", "-c", "!sh"],
  ["vi", "+!sh", "file"],
  // Wrappers parsed as getopt_long parses them: clusters, abbreviations, `=` forms.
  ["env", "-iS", "sh -c id"],
  ["env", "-iSsh -c id"],
  ["env", "--sp", "sh -c id"],
  ["env", "--split=sh -c id"],
  ["env", "-i", "--", "sh", "-c", "x"],
  ["timeout", "--sig=KILL", "5", "sh", "-c", "x"],
  ["nice", "-5", "sh", "-c", "x"],
  ["stdbuf", "--o=L", "bash", "-c", "x"],
  ["chrt", "-o", "sh", "-c", "x"],
  ["sudo", "-s", "ls"],
  ["env", "--no-such-option", "ls"],
  // Variables that choose the code a program runs.
  ["env", "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=alias.x", "GIT_CONFIG_VALUE_0=!sh", "git", "x"],
  ["env", "LD_PRELOAD=/workspace/evil.so", "ls"],
  ["sudo", "BASH_ENV=/workspace/x", "bash", "script.sh"],
  ["env", "-i", "NODE_OPTIONS=--require=./evil.js", "node", "app.js"],
  ["env", "HOME=/workspace/evil", "git", "status"],
  // git keys and options that run programs, abbreviated as parse-options allows.
  ["git", "-c", "trailer.x.cmd=id", "interpret-trailers"],
  ["git", "-c", "core.hooksPath=/workspace/hooks", "commit"],
  ["git", "-c", "gpg.ssh.program=evil", "commit"],
  ["git", "-c", "submodule.x.update=!evil", "submodule", "update"],
  ["git", "ls-remote", "--upl=sh -c id", "."],
  ["git", "fetch", "--upload", "evil", "origin"],
  ["git", "push", "--rec=evil", "origin"],
  ["git", "clone", "-nuevil", "repo"],
  ["git", "clone", "--templ=/workspace/t", "repo"],
  ["git", "clone", "-c", "core.fsmonitor=evil", "repo"],
  ["git", "archive", "--remote=r", "--exe=evil", "HEAD"],
  ["git", "grep", "-Oevil", "x"],
  // Code-taking python modules, awk and sed program text, perl -M.
  ["python3", "-m", "timeit", "import os"],
  ["python3", "-mtimeit", "x"],
  ["python3", "-m", "cProfile", "-m", "timeit", "x"],
  ["python3", "-m", "pdb", "-c", "!import os", "s.py"],
  ["awk", "{ print $1 }"],
  ["awk", "--", "{ print }"],
  ["sed", "s/x/id/e"],
  ["sed", "-n", "1e id", "file"],
  ["sed", "--expr=1e id", "file"],
  ["perl", "-MPOSIX;system(1)", "-le", "1"],
];

/** Harmless look-alikes: the flag belongs to a script, a module or another program. */
const HARMLESS: string[][] = [
  ["python3", "script.py", "-c"],
  ["python3", "-m", "pytest", "-c", "pytest.ini"],
  ["python3", "-W", "c", "script.py"],
  ["bash", "script.sh", "-c"],
  ["sh", "-e", "script.sh"],
  ["node", "--version"],
  ["node", "app.js"],
  ["git", "status"],
  ["git", "-C", "/workspace", "log", "-c"],
  ["git", "-c", "user.name=x", "commit", "-m", "m"],
  ["git", "rebase", "main"],
  ["grep", "-c", "sh", "file"],
  ["awk", "-f", "prog.awk"],
  ["awk", "-f", "prog.awk", "input.txt"],
  ["env", "-i", "FOO=bar", "ls"],
  ["env", "-", "ls"],
  ["git", "-c", "color.ui=never", "status"],
  ["git", "fetch", "--unshallow", "origin"],
  ["git", "clone", "-b", "main", "repo"],
  ["python3", "script.py"],
  ["python3", "-m", "pytest"],
  ["sed", "-n", "s/a/b/p", "file"],
  ["sed", "-i", "s/e/f/g", "file"],
  ["sed", "--sandbox", "s/x/id/e", "file"],
  ["timeout", "--preserve-status", "10", "git", "status"],
  ["nice", "-n", "5", "ls"],
  ["perl", "-MList::Util=sum", "script.pl"],
  ["find", ".", "-name", "*.ts"],
  ["env"],
  ["timeout", "10", "git", "status"],
  ["xargs", "grep", "-l", "TODO"],
  ["perl", "-ie", "script.pl"],
  ["deno", "run", "main.ts"],
  ["cat", "-e", "file"],
  ["tar", "-xzf", "a.tar.gz"],
  ["rsync", "-avz", "--exclude=x", "a", "b"],
  ["vim", "+10", "file"],
  ["ssh", "-o", "BatchMode=yes", "host"],
];

describe("inline-code forms", () => {
  for (const argv of INLINE) {
    test(`recognised: ${JSON.stringify(argv)}`, () => {
      expect(inlineCodeForm(argv)).toBeString();
    });
  }
  for (const argv of HARMLESS) {
    test(`not inline code: ${JSON.stringify(argv)}`, () => {
      expect(inlineCodeForm(argv)).toBeUndefined();
    });
  }

  test("the form is named in words (program and flag)", () => {
    expect(inlineCodeForm(["python3", "-I", "-c", "x"])).toBe("python3 -c");
    expect(inlineCodeForm(["env", "-i", "bash", "-xc", "x"])).toBe("bash -c");
    expect(inlineCodeForm(["find", ".", "-exec", "x"])).toBe("find -exec");
    expect(inlineCodeForm(["git", "-c", "alias.x=!sh", "x"])).toBe("git -c alias.x=!sh");
  });

  const allowAll = { allow_commands: ["python3", "sh", "env", "find", "git", "xargs", "node", "rm", "bash", "cat"] };
  for (const argv of [
    ["python3", "-I", "-c", "x"],
    ["env", "-i", "bash", "-c", "x"],
    ["find", ".", "-exec", "rm", "{}", ";"],
    ["git", "-c", "core.pager=cat", "log"],
  ]) {
    test(`denied by default, allowed with tollgate.allow_inline_code: ${JSON.stringify(argv)}`, () => {
      const c = contract([command({ exec: { argv } })]);
      const denied = evaluate(c, policy(allowAll), options());
      expect(denied.decision.decision).toBe("deny");
      expect(denied.decision.reason_codes).toEqual(["INLINE_CODE_DENIED"]);
      const allowed = evaluate(c, policy({ ...allowAll, tollgate: { allow_inline_code: true } }), options());
      expect(allowed.decision.reason_codes).toEqual(["ALLOW"]);
    });
  }
});

describe("a pipeline feeding an interpreter", () => {
  test("curl ... | sh, | python3 -, | bash -s are programs from stdin", () => {
    expect(stdinProgram(["sh"])).toBe("sh");
    expect(stdinProgram(["bash", "-s", "--", "arg"])).toBe("bash");
    expect(stdinProgram(["python3", "-"])).toBe("python3");
    expect(stdinProgram(["env", "node"])).toBe("node");
    expect(stdinProgram(["pwsh"])).toBe("pwsh");
    expect(stdinProgram(["python3", "/dev/stdin"])).toBe("python3");
    expect(stdinProgram(["sh", "/dev/fd/0"])).toBe("sh");
    expect(stdinProgram(["node", "/proc/self/fd/0"])).toBe("node");
    expect(stdinProgram(["sh", "//dev/./stdin"])).toBe("sh");
    expect(stdinProgram(["python3", "-i", "x.py"])).toBe("python3");
    expect(stdinProgram(["python3", "-m", "code"])).toBe("python3");
  });

  test("an interpreter given a script file, and non-interpreters, are not", () => {
    expect(stdinProgram(["python3", "filter.py"])).toBeUndefined();
    expect(stdinProgram(["python3", "-m", "json.tool"])).toBeUndefined();
    expect(stdinProgram(["jq", ".name"])).toBeUndefined();
    expect(stdinProgram(["grep", "x"])).toBeUndefined();
  });

  test("PIPELINE_STDIN_PROGRAM only after the first segment, and lifted by allow_inline_code", () => {
    const pipe = (...segments: string[][]) =>
      contract([command({ exec: undefined, pipeline: { segments: segments.map((argv) => ({ argv })) } })]);
    const curlSh = pipe(["cat", "/workspace/install.sh"], ["sh"]);
    expect(evaluate(curlSh, policy(), options()).decision.reason_codes).toEqual(["PIPELINE_STDIN_PROGRAM"]);
    const allowed = policy({ tollgate: { allow_inline_code: true } });
    expect(evaluate(curlSh, allowed, options()).decision.decision).toBe("allow");
    expect(evaluate(pipe(["sh", "script.sh"], ["cat"]), policy(), options()).decision.decision).toBe("allow");
  });
});

describe("interpreters and runners by name", () => {
  /** The name patterns as first written, the model the name table must match. */
  const INTERPRETER_PATTERNS = [
    /^(python|pypy)[0-9.]*$/,
    /^(sh|bash|rbash|dash|zsh|ksh|ksh93|mksh|ash|yash|csh|tcsh)$/,
    /^fish$/,
    /^(node|nodejs|bun)$/,
    /^deno$/,
    /^perl[0-9.]*$/,
    /^ruby[0-9.]*$/,
    /^php[0-9.]*$/,
    /^(lua[0-9.]*|luajit)$/,
    /^(R|Rscript|osascript|expect)$/,
    /^(pwsh|powershell)$/,
  ];
  const RUNNER_PATTERNS = [
    /^g?find$/,
    /^(su|runuser|script)$/,
    /^npx$/,
    /^watch$/,
    /^g?tar$/,
    /^rsync$/,
    /^ssh$/,
    /^zip$/,
    /^(vim?|nvim|ex|view)$/,
  ];
  const kind = (name: string) =>
    INTERPRETER_PATTERNS.some((pattern) => pattern.test(name))
      ? "interpreter"
      : RUNNER_PATTERNS.some((pattern) => pattern.test(name))
        ? "runner"
        : undefined;
  const tableKind = (name: string) => {
    const named = namedRule(name);
    return named === undefined ? undefined : named.interpreter ? "interpreter" : "runner";
  };

  test("versioned names where the program has versions, exact names elsewhere", () => {
    expect(tableKind("python3.11")).toBe("interpreter");
    expect(tableKind("perl5.36")).toBe("interpreter");
    expect(tableKind("ksh93")).toBe("interpreter");
    expect(tableKind("bash5")).toBeUndefined();
    expect(tableKind("gtar")).toBe("runner");
    expect(tableKind("python3x")).toBeUndefined();
    expect(tableKind("constructor")).toBeUndefined();
  });

  test("the table classifies every name as the patterns do (property)", () => {
    const known = ["python", "pypy", "perl", "ruby", "php", "lua", "luajit", "bash", "ksh", "ksh93", "sh", "find"];
    const name = fc.oneof(
      fc.tuple(fc.constantFrom(...known, "vi", "tar", "R", "node", "git", ""), fc.stringMatching(/^[0-9.a]{0,4}$/)),
      fc.tuple(fc.stringMatching(/^[a-zR]{0,7}$/), fc.stringMatching(/^[0-9.]{0,3}$/)),
    );
    fc.assert(
      fc.property(name, ([base, suffix]) => tableKind(base + suffix) === kind(base + suffix)),
      { numRuns: 5000 },
    );
  });
});
