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
import { commandChain, programName, unwrap } from "./wrappers.ts";

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

/** Interpreters: programs whose operands or stdin are program text. */
const INTERPRETERS: readonly [RegExp, OptionRule][] = [
  [/^(python|pypy)[0-9.]*$/, { inlineShort: "c", valueShort: "WX", stopShort: "m", stopAtOperand: true }],
  [/^(sh|bash|rbash|dash|zsh|ksh|ksh93|mksh|ash|yash|csh|tcsh)$/, SHELL],
  [/^fish$/, { ...SHELL, inlineShort: "cC", inlineLong: ["--command", "--init-command"] }],
  [/^(node|nodejs|bun)$/, { inlineShort: "ep", inlineLong: ["--eval", "--print"], exact: /(^|=)data:/ }],
  [/^deno$/, { inlineLong: ["--eval", "--eval-file"], exact: /^eval$|(^|=)data:/ }],
  [/^perl[0-9.]*$/, { inlineShort: "eE", valueShort: "IMmixCdDF" }],
  [/^ruby[0-9.]*$/, { inlineShort: "e", valueShort: "IrCEFxKTWU" }],
  [/^php[0-9.]*$/, { inlineShort: "rBRE" }],
  [/^(lua[0-9.]*|luajit)$/, { inlineShort: "e", valueShort: "l" }],
  [/^(R|Rscript|osascript|expect)$/, { inlineShort: "ec" }],
  [/^(pwsh|powershell)$/, { exact: /^-(c|command|e|ec|encodedcommand|cwa|commandwithargs)$/i }],
];

const NPX: OptionRule = { inlineShort: "c", inlineLong: ["--call"] };

/** Programs that run a command they are given, not interpreters themselves. */
const RUNNERS: readonly [RegExp, OptionRule][] = [
  [/^g?find$/, { exact: /^-(exec|execdir|ok|okdir)$/ }],
  [/^(su|runuser|script)$/, { inlineShort: "c", inlineLong: ["--command"] }],
  [/^npx$/, NPX],
  [/^watch$/, { exact: /./ }],
  [
    /^g?tar$/,
    {
      exact:
        /^(--to-command|--checkpoint-action|--use-compress-program|--rsh-command|--info-script|--new-volume-script)(=|$)|^-[IF]$/,
    },
  ],
  [/^rsync$/, { inlineShort: "e", inlineLong: ["--rsh", "--rsync-path"] }],
  [/^ssh$/, { exact: /^(-o)?(ProxyCommand|LocalCommand|KnownHostsCommand)[= ]/i }],
  [/^zip$/, { exact: /^(-TT|--unzip-command)(=|$)/ }],
  [/^(vim?|nvim|ex|view)$/, { inlineShort: "c", exact: /^(--cmd|\+(?!\d*$).*)$/ }],
];

interface Scan {
  inline?: string;
  operand?: string;
  stdinFlag: boolean;
}

function scanOptions(name: string, args: readonly string[], rule: OptionRule): Scan {
  const scan: Scan = { stdinFlag: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") break;
    if (rule.exact?.test(arg)) return { ...scan, inline: `${name} ${arg}` };
    if (arg.startsWith("--")) {
      const option = arg.split("=")[0] as string;
      if (rule.inlineLong?.includes(option)) return { ...scan, inline: `${name} ${option}` };
      if (rule.valueLong?.includes(option) && !arg.includes("=")) i++;
      continue;
    }
    if (/^[-+][A-Za-z0-9]/.test(arg) && (rule.plus || arg.startsWith("-"))) {
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

const rules = new Map<string, { interpreter?: OptionRule; runner?: OptionRule }>();

/** The option rules of a program name, memoised (few distinct names, many lookups). */
function rulesOf(name: string): { interpreter?: OptionRule; runner?: OptionRule } {
  let found = rules.get(name);
  if (!found) {
    found = {
      interpreter: INTERPRETERS.find(([pattern]) => pattern.test(name))?.[1],
      runner: RUNNERS.find(([pattern]) => pattern.test(name))?.[1],
    };
    if (rules.size >= 1000) rules.clear();
    rules.set(name, found);
  }
  return found;
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

function gitInline(args: readonly string[]): string | undefined {
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith("-")) break;
    const option = arg.startsWith("--") ? (arg.split("=")[0] as string) : arg.slice(0, 2);
    if (option === "--exec-path" && arg.includes("=")) return "git --exec-path=";
    const value =
      option === arg && GIT_VALUE_OPTIONS.has(option)
        ? args[++i]
        : arg.slice(option.length + (arg.startsWith("--") ? 1 : 0));
    if ((option === "-c" || option === "--config-env") && GIT_PROGRAM_KEY.test((value ?? "").split("=")[0] as string)) {
      return `git ${option} ${value}`;
    }
  }
  const sub = args[i];
  const rest = args.slice(i + 1);
  if (sub === "filter-branch") return "git filter-branch";
  if (sub === "bisect" && rest[0] === "run") return "git bisect run";
  if (sub === "submodule" && rest.includes("foreach")) return "git submodule foreach";
  if (sub === "config" && rest.some((arg) => GIT_PROGRAM_KEY.test(arg.split("=")[0] as string))) return "git config";
  const flag = rest.find(
    (arg) =>
      /^--(exec|upload-pack|receive-pack|extcmd)(=|$)/.test(arg) ||
      ((sub === "rebase" || sub === "difftool") && arg === "-x") ||
      (sub === "clone" && arg === "-u"),
  );
  return flag === undefined ? undefined : `git ${sub} ${flag.split("=")[0]}`;
}

/** awk program text that runs a command: `system(...)`, or a pipe to or from one. */
function awkInline(args: readonly string[]): string | undefined {
  const programs: string[] = [];
  let fromFile = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "-f" || arg === "--file") {
      fromFile = true;
      i++;
    } else if (arg === "-e" || arg === "--source") programs.push(args[++i] ?? "");
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

function programInline(argv: readonly string[]): string | undefined {
  const name = programName(argv[0] ?? "");
  const args = argv.slice(1);
  if (name === "git") return gitInline(args);
  if (/^(awk|gawk|mawk|nawk)$/.test(name)) return awkInline(args);
  if (name === "npm" && (args[0] === "exec" || args[0] === "x")) return scanOptions("npm exec", args, NPX).inline;
  const { interpreter, runner } = rulesOf(name);
  const rule = interpreter ?? runner;
  const commandString = unwrap(argv)?.commandString;
  if (commandString) return `${name} ${commandString}`;
  return rule && scanOptions(name, args, rule).inline;
}

/** The inline-code form in `argv` or anything it wraps (e.g. "python3 -c"), or undefined. */
export function inlineCodeForm(argv: readonly string[]): string | undefined {
  const chain = commandChain(argv);
  let underXargs = false;
  for (const link of chain) {
    const form = programInline(link);
    if (form) return form;
    const name = programName(link[0] ?? "");
    if (underXargs && rulesOf(name).interpreter) return `xargs ${name} (stdin data become its program operands)`;
    underXargs ||= name === "xargs";
  }
  return undefined;
}

/**
 * For a pipeline segment after the first: the interpreter (through wrappers)
 * that would run its stdin, the previous segment's output, as a program.
 */
export function stdinProgram(argv: readonly string[]): string | undefined {
  const last = commandChain(argv).at(-1) ?? [];
  const name = programName(last[0] ?? "");
  const rule = rulesOf(name).interpreter;
  if (!rule) return undefined;
  const scan = scanOptions(name, last.slice(1), rule);
  return scan.operand === undefined || scan.operand === "-" || scan.stdinFlag ? name : undefined;
}
