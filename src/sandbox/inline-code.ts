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
import { commandChain, type Link } from "./wrappers.ts";

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
  [["python*", "pypy*"], { inlineShort: "c", valueShort: "WX", stopShort: "m", stopAtOperand: true }],
  [["sh", "bash", "rbash", "dash", "zsh", "ksh", "ksh93", "mksh", "ash", "yash", "csh", "tcsh"], SHELL],
  [["fish"], { ...SHELL, inlineShort: "cC", inlineLong: ["--command", "--init-command"] }],
  [["node", "nodejs", "bun"], { inlineShort: "ep", inlineLong: ["--eval", "--print"], exact: /(^|=)data:/ }],
  [["deno"], { inlineLong: ["--eval", "--eval-file"], exact: /^eval$|(^|=)data:/ }],
  [["perl*"], { inlineShort: "eE", valueShort: "IMmixCdDF" }],
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
  stdinFlag: boolean;
}

/** Scans the options of `name`, whose arguments are `argv[from]` on. */
function scanOptions(name: string, argv: readonly string[], from: number, rule: OptionRule): Scan {
  const scan: Scan = { stdinFlag: false };
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") break;
    if (rule.exact?.test(arg)) return { ...scan, inline: `${name} ${arg}` };
    if (arg.startsWith("--")) {
      const option = beforeEquals(arg);
      if (rule.inlineLong?.includes(option)) return { ...scan, inline: `${name} ${option}` };
      if (rule.valueLong?.includes(option) && !arg.includes("=")) i++;
      continue;
    }
    if (isShortCluster(arg) && (rule.plus || arg.startsWith("-"))) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] as string;
        if (rule.inlineShort?.includes(letter)) return { ...scan, inline: `${name} -${letter}` };
        if (rule.stdinShort?.includes(letter)) scan.stdinFlag = true;
        if (rule.stopShort?.includes(letter)) return { ...scan, operand: arg };
        if (rule.valueShort?.includes(letter)) {
          if (j === arg.length - 1 && rule.stopAtOperand) i++;
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

/** git settings and options that make git run a program of the caller's choosing. */
const GIT_PROGRAM_KEY =
  /^(alias\.|include|filter\.|protocol\.)|command|pager|editor|program|helper|driver|textconv|hook|fsmonitor|askpass|proxy|uploadpack|receivepack|external|exec/i;
const GIT_VALUE_OPTIONS = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--config-env",
  "--super-prefix",
]);

/** Options after a git subcommand that run a program: `--exec=...`, `--upload-pack`... */
const GIT_RUN_OPTIONS = new Set(["--exec", "--upload-pack", "--receive-pack", "--extcmd"]);

/** git's arguments are `argv[from]` on. */
function gitInline(argv: readonly string[], from: number): string | undefined {
  let i = from;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("-")) break;
    const option = arg.startsWith("--") ? beforeEquals(arg) : arg.slice(0, 2);
    if (option === "--exec-path" && arg.includes("=")) return "git --exec-path=";
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
  if (sub === "filter-branch") return "git filter-branch";
  if (sub === "bisect" && argv[rest] === "run") return "git bisect run";
  for (let r = rest; r < argv.length; r++) {
    const arg = argv[r] as string;
    if (sub === "submodule" && arg === "foreach") return "git submodule foreach";
    if (sub === "config" && GIT_PROGRAM_KEY.test(beforeEquals(arg))) return "git config";
  }
  for (let r = rest; r < argv.length; r++) {
    const arg = argv[r] as string;
    if (
      (arg.startsWith("--") && GIT_RUN_OPTIONS.has(beforeEquals(arg))) ||
      ((sub === "rebase" || sub === "difftool") && arg === "-x") ||
      (sub === "clone" && arg === "-u")
    ) {
      return `git ${sub} ${beforeEquals(arg)}`;
    }
  }
  return undefined;
}

/** awk program text that runs a command: `system(...)`, or a pipe to or from one; awk's arguments are `argv[from]` on. */
function awkInline(argv: readonly string[], from: number): string | undefined {
  const programs: string[] = [];
  let fromFile = false;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "-f" || arg === "--file") {
      fromFile = true;
      i++;
    } else if (arg === "-e" || arg === "--source") programs.push(argv[++i] ?? "");
    else if (arg.startsWith("--source=")) programs.push(arg.slice("--source=".length));
    else if (arg === "-F" || arg === "-v") i++;
    else if (arg === "--") continue;
    else if (!arg.startsWith("-") && !fromFile && programs.length === 0) {
      programs.push(arg);
      break;
    }
  }
  return programs.some((text) => /system\s*\(|\|/.test(text)) ? "awk program running a command" : undefined;
}

const AWKS = new Set(["awk", "gawk", "mawk", "nawk"]);

function programInline({ argv, start, name, commandString }: Link): string | undefined {
  const from = start + 1;
  if (name === "git") return gitInline(argv, from);
  if (AWKS.has(name)) return awkInline(argv, from);
  if (name === "npm" && (argv[from] === "exec" || argv[from] === "x")) {
    return scanOptions("npm exec", argv, from, NPX).inline;
  }
  if (commandString) return `${name} ${commandString}`;
  const named = namedRule(name);
  return named && scanOptions(name, argv, from, named.rule).inline;
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
  return scan.operand === undefined || scan.operand === "-" || scan.stdinFlag ? name : undefined;
}
