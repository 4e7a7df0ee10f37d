/**
 * Commands that run another command given in their own argv (`env`, `timeout`,
 * `xargs`...). The policy looks through them: the wrapped command must pass
 * every check the wrapper passes.
 *
 * Each wrapper's options are parsed as the program itself parses them (GNU
 * getopt_long with a leading `+`): short options cluster (`-iS...`), a short
 * option's value is the rest of its cluster or the next argument, a long option
 * may be any unambiguous prefix (`--sp` is `--split-string`) with its value
 * after `=` or as the next argument, `--` ends the options and so does the
 * first operand. An option the table does not know, an ambiguous prefix or an
 * option tollgate refuses to model makes the link `unparsed`: the program would
 * either fail or do something tollgate cannot see, so the policy refuses it.
 */

/** How a long option takes its value: none, required (attached or next), optional (attached only). */
type Arity = "none" | "required" | "optional";

interface WrapperSpec {
  /** getopt's letters: a letter, then `:` if it takes a value, `::` if the value is optional (attached only). */
  short: string;
  /** Long options, space separated: `name[/letter][:|::]`; the letter names its short twin. */
  long: string;
  /** Operands before the wrapped command (the duration of `timeout`, the mask of `taskset`). */
  operands: number;
  /** An operand counts only if it matches (chrt's priority): otherwise it is the command. */
  operandPattern?: RegExp;
  /** `NAME=value` arguments before the command (env, sudo). */
  assignments?: boolean;
  /**
   * Options (`-S`, `--split-string`) whose value is a command line split or run
   * by a shell, or that make the wrapper run a shell or an editor (`sudo -s`):
   * inline code.
   */
  commandStrings?: readonly string[];
  /** Options tollgate refuses to model (sudo's `-h`, whose value is optional and may be the next argument). */
  refused?: readonly string[];
  /** nice's `-5`, `--5`, `-+5` adjustments. */
  numberOptions?: boolean;
  /** env's lone `-`, an old spelling of `-i`. */
  dashOption?: boolean;
  /** flock's `FILE -c COMMAND`: after the operands, exactly `-c` or `--command` gives a command string. */
  trailingCommandString?: readonly string[];
}

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  env: {
    short: "0C:iS:u:v",
    long:
      "ignore-environment/i null/0 unset/u: chdir/C: split-string/S: block-signal:: default-signal:: " +
      "ignore-signal:: list-signal-handling debug/v help version",
    operands: 0,
    assignments: true,
    commandStrings: ["-S", "--split-string"],
    dashOption: true,
  },
  nice: { short: "n:", long: "adjustment/n: help version", operands: 0, numberOptions: true },
  timeout: {
    short: "k:s:v",
    long: "kill-after/k: signal/s: verbose/v preserve-status foreground help version",
    operands: 1,
  },
  nohup: { short: "", long: "help version", operands: 0 },
  setsid: { short: "cfwhV", long: "ctty/c fork/f wait/w help/h version/V", operands: 0 },
  command: { short: "pvV", long: "", operands: 0 },
  busybox: { short: "", long: "help list list-full install", operands: 0 },
  stdbuf: { short: "i:o:e:", long: "input/i: output/o: error/e: help version", operands: 0 },
  time: {
    short: "af:o:pqvV",
    long: "append/a format/f: output/o: portability/p quiet/q verbose/v help version/V",
    operands: 0,
  },
  ionice: {
    short: "c:n:p:P:tu:hV",
    long: "class/c: classdata/n: pid/p: pgid/P: ignore/t uid/u: help/h version/V",
    operands: 0,
  },
  taskset: { short: "apchV", long: "all-tasks/a pid/p cpu-list/c help/h version/V", operands: 1 },
  chrt: {
    short: "abdD:fhimopP:rRT:vV",
    long:
      "all-tasks/a batch/b deadline/d sched-deadline/D: fifo/f help/h idle/i max/m other/o pid/p " +
      "sched-period/P: rr/r reset-on-fork/R sched-runtime/T: verbose/v version/V",
    operands: 1,
    operandPattern: /^[-+]?[0-9]+$/,
  },
  flock: {
    short: "sexnouw:E:Fc:hV",
    long:
      "shared/s exclusive/x unlock/u nonblock/n nb/n nonblocking/n timeout/w: wait/w: conflict-exit-code/E: " +
      "close/o no-fork/F verbose command/c: help/h version/V",
    operands: 1,
    commandStrings: ["-c", "--command"],
    trailingCommandString: ["-c", "--command"],
  },
  sudo: {
    short: "Aa:BbC:c:D:Eeg:Hh::iKklNnPp:R:r:SsT:t:U:u:Vv",
    long:
      "askpass/A auth-type/a: background/b bell/B close-from/C: login-class/c: chdir/D: preserve-env/E:: " +
      "edit/e group/g: set-home/H help host: login/i remove-timestamp/K reset-timestamp/k list/l " +
      "no-update/N non-interactive/n preserve-groups/P prompt/p: chroot/R: role/r: stdin/S shell/s " +
      "type/t: command-timeout/T: other-user/U: user/u: version/V validate/v",
    operands: 0,
    assignments: true,
    commandStrings: ["-s", "--shell", "-i", "--login", "-e", "--edit"],
    refused: ["-h", "--host"],
  },
  doas: { short: "C:Lnsu:", long: "", operands: 0, commandStrings: ["-s"] },
  xargs: {
    short: "0a:E:e::I:i::L:l::n:oprs:txP:d:",
    long:
      "null/0 arg-file/a: delimiter/d: eof/e:: replace/i:: max-lines/l:: max-args/n: open-tty/o " +
      "interactive/p no-run-if-empty/r max-chars/s: show-limits verbose/t exit/x max-procs/P: " +
      "process-slot-var: help version",
    operands: 0,
  },
};

/** The file name of argv[0]: `/usr/bin/python3.11` -> `python3.11`. */
export function programName(arg0: string): string {
  return arg0.slice(arg0.lastIndexOf("/") + 1);
}

interface LongOption {
  name: string;
  arity: Arity;
  /** What names the option in findings and in `commandStrings`: its short twin `-S` if it has one, else `--name`. */
  id: string;
}

/** A wrapper's options, prepared for lookups while parsing an argv. */
interface WrapperOptions {
  spec: WrapperSpec;
  /** Short letters and whether each takes a value. */
  short: ReadonlyMap<string, Arity>;
  long: readonly LongOption[];
  /** Every spelling (short and long) of the command-string options, as ids. */
  commandIds: ReadonlySet<string>;
  refusedIds: ReadonlySet<string>;
}

function parseShort(letters: string): Map<string, Arity> {
  const short = new Map<string, Arity>();
  for (let i = 0; i < letters.length; i++) {
    const letter = letters[i] as string;
    let arity: Arity = "none";
    if (letters[i + 1] === ":") {
      arity = letters[i + 2] === ":" ? "optional" : "required";
      i += arity === "optional" ? 2 : 1;
    }
    short.set(letter, arity);
  }
  return short;
}

function parseLong(table: string): LongOption[] {
  return table
    .split(" ")
    .filter((entry) => entry !== "")
    .map((entry) => {
      const colons = entry.length - entry.replace(/:+$/, "").length;
      const [name = "", letter] = entry.slice(0, entry.length - colons).split("/");
      const arity: Arity = colons === 0 ? "none" : colons === 1 ? "required" : "optional";
      return { name, arity, id: letter ? `-${letter}` : `--${name}` };
    });
}

/** The id of a spelling: `--split-string` -> `-S` when the long option has a short twin. */
function idOf(spelling: string, long: readonly LongOption[]): string {
  if (!spelling.startsWith("--")) return spelling;
  return long.find((option) => `--${option.name}` === spelling)?.id ?? spelling;
}

function wrapperOptions(spec: WrapperSpec): WrapperOptions {
  const long = parseLong(spec.long);
  return {
    spec,
    short: parseShort(spec.short),
    long,
    commandIds: new Set((spec.commandStrings ?? []).map((spelling) => idOf(spelling, long))),
    refusedIds: new Set((spec.refused ?? []).map((spelling) => idOf(spelling, long))),
  };
}

/** Prepared on first use: a one-shot `tollgate exec` meets one or two wrappers, if any. */
const preparedWrappers = new Map<string, WrapperOptions>();

function wrapperNamed(name: string): WrapperOptions | undefined {
  const spec = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  if (spec === undefined) return undefined;
  let prepared = preparedWrappers.get(name);
  if (prepared === undefined) {
    prepared = wrapperOptions(spec);
    preparedWrappers.set(name, prepared);
  }
  return prepared;
}

/**
 * getopt_long's match of `--name`: an exact name, else the one option all
 * names starting with it belong to; undefined when none or several.
 */
export function matchLong<T extends { name: string; id: string }>(
  name: string,
  options: readonly T[],
): T | "ambiguous" | undefined {
  const exact = options.find((option) => option.name === name);
  if (exact) return exact;
  const candidates = options.filter((option) => option.name.startsWith(name));
  if (candidates.length === 0) return undefined;
  const first = candidates[0] as T;
  return candidates.every((option) => option.id === first.id) ? first : "ambiguous";
}

interface Unwrapped {
  /** Where the wrapped command starts in the wrapper's argv, if the wrapper names one. */
  inner?: number;
  /** The option that takes a command line as a string (`env -S`, `flock -c`), if used. */
  commandString?: string;
  /** The wrapper's option tollgate cannot parse, if any (see Link.unparsed). */
  unparsed?: string;
  /** `NAME=value` arguments the wrapper sets before running its command. */
  assignments: string[];
}

/**
 * `NAME=value`, as env and sudo take before the command: any argument holding
 * an `=` (GNU env puts even `A-B%=1` and `=1` into the environment).
 */
function isAssignment(arg: string): boolean {
  return arg.includes("=");
}

/** What an option found while parsing means for the link: a command string, a refusal, or nothing. */
function judge(wrapper: WrapperOptions, id: string, shown: string, out: Unwrapped): boolean {
  if (wrapper.commandIds.has(id)) {
    out.commandString = shown;
    return true;
  }
  if (wrapper.refusedIds.has(id)) {
    out.unparsed = `${shown} (tollgate does not model this option)`;
    return true;
  }
  return false;
}

/**
 * Parses the options at `argv[i]` (a long option): returns the next index to
 * read, or -1 when parsing stops with `out` set.
 */
function longOption(wrapper: WrapperOptions, argv: readonly string[], i: number, out: Unwrapped): number {
  const arg = argv[i] as string;
  const eq = arg.indexOf("=");
  const name = arg.slice(2, eq === -1 ? undefined : eq);
  const match = matchLong(name, wrapper.long);
  if (match === undefined || match === "ambiguous") {
    out.unparsed = `${arg.slice(0, eq === -1 ? undefined : eq)} (${match ?? "unknown"} option)`;
    return -1;
  }
  if (judge(wrapper, match.id, `--${match.name}`, out)) return -1;
  if (match.arity === "none" && eq !== -1) {
    out.unparsed = `--${match.name}= (the option takes no value)`;
    return -1;
  }
  return match.arity === "required" && eq === -1 ? i + 2 : i + 1;
}

/** Parses the short cluster at `argv[i]`: as longOption. */
function shortCluster(wrapper: WrapperOptions, argv: readonly string[], i: number, out: Unwrapped): number {
  const arg = argv[i] as string;
  for (let j = 1; j < arg.length; j++) {
    const letter = arg[j] as string;
    const arity = wrapper.short.get(letter);
    if (arity === undefined) {
      out.unparsed = `-${letter} (unknown option)`;
      return -1;
    }
    if (judge(wrapper, `-${letter}`, `-${letter}`, out)) return -1;
    if (arity === "optional") return i + 1;
    if (arity === "required") return j === arg.length - 1 ? i + 2 : i + 1;
  }
  return i + 1;
}

/** What the wrapper whose argv starts at `argv[start]` runs. */
function unwrap(wrapper: WrapperOptions, argv: readonly string[], start: number): Unwrapped {
  const { spec } = wrapper;
  const out: Unwrapped = { assignments: [] };
  let i = start + 1;
  // Options, until `--` or the first operand (getopt_long with a leading `+`).
  while (i < argv.length) {
    const arg = argv[i] as string;
    if (arg === "--") {
      i++;
      break;
    }
    if (arg === "-" && spec.dashOption) {
      i++;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") break;
    if (spec.numberOptions && /^-[-+]?[0-9]/.test(arg)) {
      i++;
      continue;
    }
    i = arg.startsWith("--") ? longOption(wrapper, argv, i, out) : shortCluster(wrapper, argv, i, out);
    if (i === -1) return out;
  }
  for (let operands = spec.operands; operands > 0 && i < argv.length; operands--) {
    if (spec.operandPattern && !spec.operandPattern.test(argv[i] as string)) break;
    i++;
  }
  const trailing = argv[i];
  if (spec.trailingCommandString && trailing !== undefined && spec.trailingCommandString.includes(trailing)) {
    out.commandString = trailing;
    return out;
  }
  while (spec.assignments && i < argv.length && isAssignment(argv[i] as string))
    out.assignments.push(argv[i++] as string);
  if (i < argv.length) out.inner = i;
  return out;
}

/** One program of a command chain: the argv from `start` on. */
export interface Link {
  argv: readonly string[];
  start: number;
  /** `programName` of `argv[start]`. */
  name: string;
  /** On the last link: the option by which this wrapper takes its command as a string, if it does. */
  commandString: string | undefined;
  /**
   * On the last link: an option of this wrapper that tollgate cannot parse
   * (unknown, ambiguous, or refused), so it cannot tell what the wrapper runs.
   */
  unparsed?: string | undefined;
  /** The `NAME=value` arguments this wrapper (env, sudo) sets for the command it runs. */
  assignments?: readonly string[];
}

/** argv, then what it wraps, then what that wraps... (each starts further on, so this ends). */
export function commandChain(argv: readonly string[]): Link[] {
  const chain: Link[] = [];
  let start = 0;
  for (;;) {
    const name = programName(argv[start] ?? "");
    const wrapper = wrapperNamed(name);
    if (!wrapper) {
      chain.push({ argv, start, name, commandString: undefined });
      return chain;
    }
    const { inner, commandString, unparsed, assignments } = unwrap(wrapper, argv, start);
    const link: Link = { argv, start, name, commandString };
    if (unparsed !== undefined) link.unparsed = unparsed;
    if (assignments.length > 0) link.assignments = assignments;
    chain.push(link);
    if (inner === undefined) return chain;
    start = inner;
  }
}
