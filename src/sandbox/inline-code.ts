/**
 * Inline code: program text carried in argv (`python3 -I -c ...`, `bash -xc`,
 * `node --eval`, `find -exec`, `git -c alias.x=!sh`...) or fed to an
 * interpreter through a pipe (`curl ... | sh`). Recognised on the basename of
 * argv[0], wherever the flag stands, and through wrappers (wrappers.ts).
 *
 * Option parsing per interpreter: python and the POSIX shells stop at their
 * first operand (the script), so `python3 script.py -c` passes the script its
 * own `-c`; the others are searched up to `--`, because their options are too
 * many to know which take a value (a false alarm there is a denial, not a hole).
 */
import { commandChain, type Link, matchLong } from "./wrappers.ts";

interface OptionRule {
  /** Letters that, in a short cluster (`-xc`), give program text. */
  inlineShort?: string;
  /** Letters whose value is the rest of the cluster or (stopping rules only) the next argument. */
  valueShort?: string;
  /** Letters after which the rest is not options (python -m). */
  stopShort?: string;
  /** Letters that make a shell read its program from stdin (sh -s). */
  stdinShort?: string;
  inlineLong?: readonly string[];
  valueLong?: readonly string[];
  /** Whole arguments that are inline forms (`-exec` of find, `-Command` of pwsh). */
  exact?: RegExp;
  /** Options end at the first operand (the program file). */
  stopAtOperand?: boolean;
  /** `+o` and `+x` are options too (shells). */
  plus?: boolean;
  /** Letters whose value perl pastes into a `use` statement (`-M'strict; system 1'`): code unless a module name. */
  moduleShort?: string;
}

const SHELL: OptionRule = {
  inlineShort: "c",
  valueShort: "oO",
  stdinShort: "s",
  valueLong: ["--rcfile", "--init-file"],
  stopAtOperand: true,
  plus: true,
};

/**
 * Program names and their option rules; `name*` also matches the name followed
 * by a version made of digits and dots (`python3.11`).
 */
type NameRules = readonly [names: readonly string[], rule: OptionRule][];

/** Interpreters: programs whose operands or stdin are program text. */
const INTERPRETERS: NameRules = [
  [["python*", "pypy*"], { inlineShort: "c", valueShort: "WXQ", stopShort: "m", stdinShort: "i", stopAtOperand: true }],
  [["sh", "bash", "rbash", "dash", "zsh", "ksh", "ksh93", "mksh", "ash", "yash", "csh", "tcsh"], SHELL],
  [["fish"], { ...SHELL, inlineShort: "cC", inlineLong: ["--command", "--init-command"] }],
  [["node", "nodejs", "bun"], { inlineShort: "ep", inlineLong: ["--eval", "--print"], exact: /(^|=)data:/ }],
  [["deno"], { inlineLong: ["--eval", "--eval-file"], exact: /^eval$|(^|=)data:/ }],
  [["perl*"], { inlineShort: "eE", valueShort: "IMmixCdDF", moduleShort: "Mmd" }],
  [["ruby*"], { inlineShort: "e", valueShort: "IrCEFxKTWU" }],
  [["php*"], { inlineShort: "rBRE" }],
  [["lua*", "luajit"], { inlineShort: "e", valueShort: "l" }],
  [["R", "Rscript", "osascript", "expect"], { inlineShort: "ec" }],
  [["pwsh", "powershell"], { exact: /^-(c|command|e|ec|encodedcommand|cwa|commandwithargs)$/i }],
];

const NPX: OptionRule = { inlineShort: "c", inlineLong: ["--call"] };

/** Programs that run a command they are given, not interpreters themselves. */
const RUNNERS: NameRules = [
  [["find", "gfind"], { exact: /^-(exec|execdir|ok|okdir)$/ }],
  [["su", "runuser", "script"], { inlineShort: "c", inlineLong: ["--command"] }],
  [["npx"], NPX],
  [["watch"], { exact: /./ }],
  [
    ["tar", "gtar"],
    {
      exact:
        /^(--to-command|--checkpoint-action|--use-compress-program|--rsh-command|--info-script|--new-volume-script)(=|$)|^-[IF]$/,
    },
  ],
  [["rsync"], { inlineShort: "e", inlineLong: ["--rsh", "--rsync-path"] }],
  [["ssh"], { exact: /^(-o)?(ProxyCommand|LocalCommand|KnownHostsCommand)[= ]/i }],
  [["zip"], { exact: /^(-TT|--unzip-command)(=|$)/ }],
  [["vi", "vim", "nvim", "ex", "view"], { inlineShort: "c", exact: /^(--cmd|\+(?!\d*$).*)$/ }],
];

export interface NamedRule {
  rule: OptionRule;
  interpreter: boolean;
  /** Whether the name may carry a version. */
  versioned: boolean;
}

/** Interpreters and runners by program name (a name is never both). */
const RULES: ReadonlyMap<string, NamedRule> = new Map(
  [...INTERPRETERS.map((entry) => [entry, true] as const), ...RUNNERS.map((entry) => [entry, false] as const)].flatMap(
    ([[names, rule], interpreter]) =>
      names.map((name) => {
        const versioned = name.endsWith("*");
        return [versioned ? name.slice(0, -1) : name, { rule, interpreter, versioned }] as const;
      }),
  ),
);

const isVersionChar = (c: number) => c === 0x2e || (c >= 0x30 && c <= 0x39);

/** The rule of an interpreter or runner named `name`, if it is one. */
export function namedRule(name: string): NamedRule | undefined {
  const named = RULES.get(name);
  if (named || !isVersionChar(name.charCodeAt(name.length - 1))) return named;
  let end = name.length - 1;
  while (end > 0 && isVersionChar(name.charCodeAt(end - 1))) end--;
  const base = RULES.get(name.slice(0, end));
  return base?.versioned ? base : undefined;
}

/** An option's name without an attached value: `--eval=x` -> `--eval`. */
function beforeEquals(arg: string): string {
  const eq = arg.indexOf("=");
  return eq === -1 ? arg : arg.slice(0, eq);
}

/**
 * Whether the long option `option` (`--ev`, value already cut off) may be one
 * of `names`: the name itself or a prefix of it, as getopt_long and git's
 * parse-options accept (`--sp` for `--split-string`). A prefix shared with an
 * option not in the list makes the program fail, so refusing it costs nothing.
 */
function mayBeLong(option: string, names: readonly string[] | undefined): boolean {
  if (names === undefined || option.length < 3 || !option.startsWith("--")) return false;
  for (let i = 0; i < names.length; i++) if ((names[i] as string).startsWith(option)) return true;
  return false;
}

/** `-x...` or `+x...` with a letter or digit after the sign. */
function isShortCluster(arg: string): boolean {
  const sign = arg.charCodeAt(0);
  if (sign !== 0x2d && sign !== 0x2b) return false;
  const c = arg.charCodeAt(1);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

interface Scan {
  inline?: string;
  operand?: string;
  /** The module of `python -m`, and where its name stands in argv. */
  module?: string;
  moduleAt?: number;
  stdinFlag: boolean;
}

/** A perl module argument (`-MList::Util=sum,max`) that pastes nothing but a module name and its import list. */
const PERL_MODULE = /^-?[A-Za-z_][\w:]*(=[\w:,./@$%&+-]*)?$/;

/** Scans the options of `name`, whose arguments are `argv[from]` on. */
function scanOptions(name: string, argv: readonly string[], from: number, rule: OptionRule): Scan {
  const scan: Scan = { stdinFlag: false };
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (rule.exact?.test(arg)) return { ...scan, inline: `${name} ${arg}` };
    if (arg.startsWith("--")) {
      const option = beforeEquals(arg);
      if (mayBeLong(option, rule.inlineLong)) return { ...scan, inline: `${name} ${option}` };
      if (rule.valueLong?.includes(option) && !arg.includes("=")) i++;
      continue;
    }
    if (isShortCluster(arg) && (rule.plus || arg.startsWith("-"))) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        if (rule.inlineShort?.includes(letter)) return { ...scan, inline: `${name} -${letter}` };
        if (rule.stdinShort?.includes(letter)) scan.stdinFlag = true;
        if (rule.stopShort?.includes(letter)) {
          const attached = arg.slice(j + 1);
          if (attached !== "") return { ...scan, module: attached, moduleAt: i };
          return { ...scan, module: argv[i + 1], moduleAt: i + 1 };
        }
        if (rule.valueShort?.includes(letter)) {
          const separate = j === arg.length - 1;
          const value = separate ? (argv[i + 1] ?? "") : arg.slice(j + 1);
          if (rule.moduleShort?.includes(letter) && !PERL_MODULE.test(value.replace(/^:/, ""))) {
            return { ...scan, inline: `${name} -${letter} (code pasted into a use statement)` };
          }
          if (separate && (rule.stopAtOperand || rule.moduleShort?.includes(letter))) i++;
          break;
        }
      }
      continue;
    }
    scan.operand ??= arg;
    if (rule.stopAtOperand) break;
  }
  return scan;
}

/**
 * Environment variables whose value is, or chooses, code that a program runs:
 * a command line (`GIT_SSH_COMMAND`, `PAGER`), options that load code
 * (`NODE_OPTIONS`, `PERL5OPT`), a file run at start (`PYTHONSTARTUP`,
 * `BASH_ENV`), where libraries or modules are loaded from (`LD_PRELOAD`,
 * `PYTHONPATH`), or configuration that does any of these (`GIT_CONFIG_*`).
 * Setting one in argv (`env NAME=value`, `sudo NAME=value`) is inline code.
 */
export const CODE_ENV_VARS: ReadonlySet<string> = new Set([
  "GIT_SSH",
  "GIT_SSH_COMMAND",
  "GIT_EXTERNAL_DIFF",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_ASKPASS",
  "GIT_PROXY_COMMAND",
  "GIT_EXEC_PATH",
  "GIT_TEMPLATE_DIR",
  "GIT_ALLOW_PROTOCOL",
  "GIT_DIR",
  "GIT_COMMON_DIR",
  "PAGER",
  "MANPAGER",
  "SYSTEMD_PAGER",
  "LESSOPEN",
  "LESSCLOSE",
  "EDITOR",
  "VISUAL",
  "SUDO_EDITOR",
  "SUDO_ASKPASS",
  "SSH_ASKPASS",
  "BROWSER",
  "SHELL",
  "PYTHONSTARTUP",
  "PYTHONPATH",
  "PYTHONHOME",
  "PYTHONUSERBASE",
  "PYTHONINSPECT",
  "PYTHONWARNINGS",
  "PYTHONBREAKPOINT",
  "PYTHONEXECUTABLE",
  "NODE_OPTIONS",
  "NODE_PATH",
  "NODE_REPL_EXTERNAL_MODULE",
  "BUN_OPTIONS",
  "DENO_OPTIONS",
  "BASH_ENV",
  "ENV",
  "ZDOTDIR",
  "PROMPT_COMMAND",
  "PS4",
  "SHELLOPTS",
  "BASHOPTS",
  "PERL5OPT",
  "PERL5LIB",
  "PERLLIB",
  "PERL5DB",
  "RUBYOPT",
  "RUBYLIB",
  "MAKEFLAGS",
  "MFLAGS",
  "MAKEFILES",
  "GCONV_PATH",
  "LUA_INIT",
  "LUA_PATH",
  "LUA_CPATH",
  "R_PROFILE",
  "R_PROFILE_USER",
  "PHPRC",
  "PHP_INI_SCAN_DIR",
]);

/** Families of such variables, by how their names start. */
const CODE_ENV_PREFIXES = ["GIT_CONFIG", "LD_", "DYLD_", "BASH_FUNC_", "NPM_CONFIG_", "LUA_INIT_", "LUA_PATH_"];

/** Whether setting the variable `name` can make a program run code of the setter's choosing (see CODE_ENV_VARS). */
function isCodeEnvVar(name: string): boolean {
  if (CODE_ENV_VARS.has(name)) return true;
  const upper = name.toUpperCase();
  for (let i = 0; i < CODE_ENV_PREFIXES.length; i++) if (upper.startsWith(CODE_ENV_PREFIXES[i] as string)) return true;
  return false;
}

/**
 * Variables that move where programs read their configuration from (git's
 * ~/.gitconfig, npm's ~/.npmrc...), which can run programs: code when set in
 * argv, although passing the caller's own value through is ordinary.
 */
const CONFIG_HOME_VARS: ReadonlySet<string> = new Set(["HOME", "XDG_CONFIG_HOME"]);

/** git settings that make git run a program of the caller's choosing (matched on the key, case-insensitively). */
const GIT_PROGRAM_KEY = new RegExp(
  [
    "^(alias|include|includeif|filter|protocol|sendemail|browser|web|man|mergetool|difftool|instaweb|credential|gpg)\\.",
    "^submodule\\..*\\.update$",
    "^remote\\..*\\.(vcs|uploadpack|receivepack)$",
    "command|cmd|pager|editor|program|helper|driver|textconv|hook|fsmonitor|askpass|proxy|uploadpack|receivepack",
    "external|exec|filter|templatedir",
  ].join("|"),
  "i",
);

/** git's global options whose value is the next argument when not attached with `=`. */
const GIT_VALUE_OPTIONS = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--config-env",
  "--super-prefix",
  "--attr-source",
  "--list-cmds",
]);

interface GitRunOptions {
  /** Long options (no `--`) that run a program named by their value, or run one from a folder given. */
  long: readonly string[];
  /** Short letters that do. */
  short?: string;
  /** Short letters that take a value (the rest of the cluster or the next argument) and run nothing. */
  values?: string;
  /** Long options whose value is `key=value` configuration (clone's `--config`), and their short letter. */
  config?: { long: string; short: string };
}

/** Subcommand options (parse-options: clusters, unique prefixes, `=` or next argument) that run a program. */
const GIT_RUN_OPTIONS: Readonly<Record<string, GitRunOptions>> = {
  fetch: { long: ["upload-pack"], values: "jo" },
  pull: { long: ["upload-pack"], values: "jXso" },
  clone: {
    long: ["upload-pack", "template"],
    short: "u",
    values: "bojc",
    config: { long: "config", short: "c" },
  },
  "ls-remote": { long: ["upload-pack", "exec"] },
  "fetch-pack": { long: ["upload-pack", "exec"] },
  push: { long: ["receive-pack", "exec"], values: "o" },
  "send-pack": { long: ["receive-pack", "exec"] },
  archive: { long: ["exec"], values: "o" },
  rebase: { long: ["exec"], short: "x", values: "sXSC" },
  difftool: { long: ["extcmd"], short: "x", values: "t" },
  grep: { long: ["open-files-in-pager"], short: "O", values: "efABC" },
  init: { long: ["template"] },
  "send-email": { long: ["smtp-server", "sendmail-cmd", "to-cmd", "cc-cmd", "header-cmd"] },
  instaweb: { long: ["httpd", "browser"], short: "db" },
  "web--browse": { long: ["browser", "cmd"], short: "bc" },
  help: { long: ["browser", "web"], short: "w" },
};

/** The program-running option of git subcommand `sub` among its arguments `argv[from]` on, if any. */
function gitRunOption(sub: string, argv: readonly string[], from: number): string | undefined {
  const run = Object.hasOwn(GIT_RUN_OPTIONS, sub) ? GIT_RUN_OPTIONS[sub] : undefined;
  if (run === undefined) return undefined;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") return undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (name === "") continue;
      if (run.long.some((option) => option.startsWith(name))) return `git ${sub} --${name}`;
      if (run.config?.long.startsWith(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
        if (GIT_PROGRAM_KEY.test(beforeEquals(value ?? ""))) return `git ${sub} --config ${value}`;
      }
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") continue;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      if (run.short?.includes(letter)) return `git ${sub} -${letter}`;
      if (run.config?.short === letter || run.values?.includes(letter)) {
        const value = j === arg.length - 1 ? argv[++i] : arg.slice(j + 1);
        if (run.config?.short === letter && GIT_PROGRAM_KEY.test(beforeEquals(value ?? ""))) {
          return `git ${sub} -${letter} ${value}`;
        }
        break;
      }
    }
  }
  return undefined;
}

/** git's arguments are `argv[from]` on. */
function gitInline(argv: readonly string[], from: number): string | undefined {
  let i = from;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("-")) break;
    if (arg === "--") {
      i++;
      break;
    }
    const option = arg.startsWith("--") ? beforeEquals(arg) : arg.slice(0, 2);
    if (option === "--exec-path" && arg.includes("=")) return "git --exec-path=";
    if (option === "-p" || option === "--paginate") continue;
    const value =
      option === arg && GIT_VALUE_OPTIONS.has(option)
        ? argv[++i]
        : arg.slice(option.length + (arg.startsWith("--") ? 1 : 0));
    if ((option === "-c" || option === "--config-env") && GIT_PROGRAM_KEY.test(beforeEquals(value ?? ""))) {
      return `git ${option} ${value}`;
    }
  }
  const sub = argv[i];
  const rest = i + 1;
  if (sub === undefined) return undefined;
  if (sub === "filter-branch") return "git filter-branch";
  if (sub === "bisect" && argv[rest] === "run") return "git bisect run";
  for (let r = rest; r < argv.length; r++) {
    const arg = argv[r] as string;
    if (sub === "submodule" && arg === "foreach") return "git submodule foreach";
    if (sub === "config" && GIT_PROGRAM_KEY.test(beforeEquals(arg))) return "git config";
  }
  return gitRunOption(sub, argv, rest);
}

/** awk's options that take a value, and whether that value is program text or a program file. */
const AWK_OPTIONS: readonly { name: string; id: string; kind: "value" | "source" | "file" | "none" }[] = [
  { name: "file", id: "-f", kind: "file" },
  { name: "source", id: "-e", kind: "source" },
  { name: "include", id: "-i", kind: "file" },
  { name: "load", id: "-l", kind: "file" },
  { name: "exec", id: "-E", kind: "file" },
  { name: "field-separator", id: "-F", kind: "value" },
  { name: "assign", id: "-v", kind: "value" },
  { name: "dump-variables", id: "-d", kind: "none" },
  { name: "debug", id: "-D", kind: "none" },
  { name: "pretty-print", id: "-o", kind: "none" },
  { name: "profile", id: "-p", kind: "none" },
  { name: "sandbox", id: "-S", kind: "none" },
  { name: "lint", id: "-L", kind: "none" },
];
const AWK_SHORT: Readonly<Record<string, "value" | "source" | "file">> = {
  f: "file",
  e: "source",
  i: "file",
  l: "file",
  E: "file",
  F: "value",
  v: "value",
  W: "value",
};

/** awk program text in argv (a program operand, `-e`, `--source`): inline code, as `perl -e` is. */
function awkInline(name: string, argv: readonly string[], from: number): string | undefined {
  let fromFile = false;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      return fromFile || i + 1 >= argv.length ? undefined : `${name} program text`;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const match = matchLong(arg.slice(2, eq === -1 ? undefined : eq), AWK_OPTIONS);
      if (match === "ambiguous" || match === undefined) continue;
      if (match.kind === "source") return `${name} --source`;
      if (match.kind === "file") fromFile = true;
      if (match.kind !== "none" && eq === -1) i++;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      const kind = AWK_SHORT[arg[1] as string];
      if (kind === "source") return `${name} -e`;
      if (kind === "file") fromFile = true;
      if (kind !== undefined && arg.length === 2) i++;
      continue;
    }
    return fromFile ? undefined : `${name} program text`;
  }
  return undefined;
}

const AWKS = new Set(["awk", "gawk", "mawk", "nawk", "busybox-awk"]);

/** Whether a sed script runs a command: the `e` command, or the `e` flag of `s`. */
function sedScriptRunsCommand(script: string): boolean {
  // `s` with `e` among its flags, whatever its delimiter.
  if (/s([^\\\n])(?:\\.|(?!\1)[^\n])*\1(?:\\.|(?!\1)[^\n])*\1[gpiImMew0-9]*e/.test(script)) return true;
  // The `e` command after the start, a separator or an address.
  return /(^|[;\n{}!$0-9/,~+])\s*e(\s|;|}|$)/m.test(script);
}

/** GNU sed's long options and whether each takes a value. */
const SED_LONG = [
  { name: "expression", id: "-e", value: true },
  { name: "file", id: "-f", value: true },
  { name: "line-length", id: "-l", value: true },
  { name: "in-place", id: "-i", value: false },
  { name: "sandbox", id: "--sandbox", value: false },
  { name: "quiet", id: "-n", value: false },
  { name: "silent", id: "-n", value: false },
  { name: "debug", id: "--debug", value: false },
  { name: "posix", id: "--posix", value: false },
  { name: "regexp-extended", id: "-E", value: false },
  { name: "separate", id: "-s", value: false },
  { name: "unbuffered", id: "-u", value: false },
  { name: "null-data", id: "-z", value: false },
  { name: "follow-symlinks", id: "--follow-symlinks", value: false },
  { name: "zero-terminated", id: "-z", value: false },
  { name: "binary", id: "-b", value: false },
];

/** sed scripts in argv that run commands (`e`, `s///e`), unless `--sandbox` forbids them. */
function sedInline(name: string, argv: readonly string[], from: number): string | undefined {
  const scripts: string[] = [];
  let given = false;
  let sandbox = false;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      if (!given && argv[i + 1] !== undefined) scripts.push(argv[i + 1] as string);
      break;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const match = matchLong(arg.slice(2, eq === -1 ? undefined : eq), SED_LONG);
      if (match === "ambiguous" || match === undefined) continue;
      if (match.id === "--sandbox") sandbox = true;
      if (!match.value) continue;
      const value = eq === -1 ? (argv[++i] ?? "") : arg.slice(eq + 1);
      if (match.id === "-e") scripts.push(value);
      given ||= match.id === "-e" || match.id === "-f";
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        if (letter === "e" || letter === "f" || letter === "l") {
          const value = j === arg.length - 1 ? (argv[++i] ?? "") : arg.slice(j + 1);
          if (letter === "e") scripts.push(value);
          given ||= letter !== "l";
          break;
        }
        if (letter === "i") break;
      }
      continue;
    }
    if (!given) {
      scripts.push(arg);
      given = true;
    }
  }
  if (sandbox) return undefined;
  return scripts.some(sedScriptRunsCommand) ? `${name} e (a script that runs a command)` : undefined;
}

const SEDS = new Set(["sed", "gsed"]);

/**
 * Python modules run with `-m` whose arguments or stdin are program text:
 * timeit's statements, pdb's `-c` commands, the code and asyncio consoles; and
 * the profilers and tracer, which run another module (`-m cProfile -m timeit`).
 */
const PYTHON_CODE_MODULES = new Set(["timeit", "pdb", "code", "asyncio", "_pyrepl", "idlelib", "idlelib.idle"]);
const PYTHON_RUNNER_MODULES = new Set(["cProfile", "profile", "trace"]);

function pythonModuleInline(name: string, argv: readonly string[], scan: Scan): string | undefined {
  const { module, moduleAt = argv.length } = scan;
  if (module === undefined) return undefined;
  if (PYTHON_CODE_MODULES.has(module)) return `${name} -m ${module}`;
  if (PYTHON_RUNNER_MODULES.has(module)) {
    for (let i = moduleAt + 1; i < argv.length; i++) {
      const arg = argv[i] as string;
      if (PYTHON_CODE_MODULES.has(arg) || PYTHON_CODE_MODULES.has(arg.replace(/^-m/, ""))) {
        return `${name} -m ${module} -m ${arg.replace(/^-m/, "")}`;
      }
    }
  }
  return undefined;
}

/** The first code-carrying assignment a wrapper makes (`env GIT_CONFIG_COUNT=1 ...`), if any. */
function assignmentInline({ name, assignments }: Link): string | undefined {
  for (let i = 0; assignments && i < assignments.length; i++) {
    const assignment = assignments[i] as string;
    const variable = assignment.slice(0, assignment.indexOf("="));
    if (isCodeEnvVar(variable) || CONFIG_HOME_VARS.has(variable)) {
      return `${name} ${variable}= (a variable that chooses code a program runs)`;
    }
  }
  return undefined;
}

function programInline(link: Link): string | undefined {
  const { argv, start, name, commandString, unparsed } = link;
  const from = start + 1;
  const assigned = assignmentInline(link);
  if (assigned) return assigned;
  if (unparsed !== undefined) return `${name} ${unparsed}: tollgate cannot tell what it runs`;
  if (name === "git") return gitInline(argv, from);
  if (AWKS.has(name)) return awkInline(name, argv, from);
  if (SEDS.has(name)) return sedInline(name, argv, from);
  if ((name === "npm" || name === "pnpm") && (argv[from] === "exec" || argv[from] === "x")) {
    return scanOptions("npm exec", argv, from, NPX).inline;
  }
  if (commandString) return `${name} ${commandString}`;
  const named = namedRule(name);
  if (!named) return undefined;
  const scan = scanOptions(name, argv, from, named.rule);
  return scan.inline ?? pythonModuleInline(name, argv, scan);
}

/**
 * The inline-code form in `argv` or anything it wraps (e.g. "python3 -c"), or
 * undefined; `chain` is `commandChain(argv)` when already known.
 */
export function inlineCodeForm(argv: readonly string[], chain = commandChain(argv)): string | undefined {
  let underXargs = false;
  for (let l = 0; l < chain.length; l++) {
    const link = chain[l] as Link;
    const form = programInline(link);
    if (form) return form;
    if (underXargs && namedRule(link.name)?.interpreter) {
      return `xargs ${link.name} (stdin data become its program operands)`;
    }
    underXargs ||= link.name === "xargs";
  }
  return undefined;
}

/** Paths that name the process's own stdin: `/dev/stdin`, `/dev/fd/0`, `/proc/self/fd/0`... */
function isStdinPath(path: string): boolean {
  const normal = path.replace(/\/(\.?\/)+/g, "/");
  return /^\/(dev\/stdin|dev\/fd\/0|proc\/(self|thread-self|[0-9]+)\/fd\/0|proc\/(self|[0-9]+)\/task\/[0-9]+\/fd\/0)$/.test(
    normal,
  );
}

/**
 * For a pipeline segment after the first: the interpreter (through wrappers)
 * that would run its stdin, the previous segment's output, as a program;
 * `chain` is `commandChain(argv)` when already known.
 */
export function stdinProgram(argv: readonly string[], chain = commandChain(argv)): string | undefined {
  const { argv: last, start, name } = chain[chain.length - 1] as Link;
  const named = namedRule(name);
  if (!named?.interpreter) return undefined;
  const scan = scanOptions(name, last, start + 1, named.rule);
  if (scan.module !== undefined) {
    // `python3 -m module`: a module reads stdin as program text only if it is a console.
    return PYTHON_CODE_MODULES.has(scan.module) || scan.stdinFlag ? name : undefined;
  }
  const operand = scan.operand;
  return operand === undefined || operand === "-" || isStdinPath(operand) || scan.stdinFlag ? name : undefined;
}
