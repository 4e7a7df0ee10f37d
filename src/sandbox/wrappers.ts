/**
 * Commands that run another command given in their own argv (`env`, `timeout`,
 * `xargs`...). The policy looks through them: the wrapped command must pass
 * every check the wrapper passes. Parsing fails closed: an unknown option that
 * takes a value makes its value look like the wrapped command, which then has
 * to be allowlisted itself.
 */

interface WrapperSpec {
  /** Options whose value is the next argument (unless attached: `-n10`, `--unset=X`). */
  values: readonly string[];
  /** Operands before the wrapped command (the duration of `timeout`, the mask of `taskset`). */
  operands: number;
  /** `NAME=value` arguments before the command (env, sudo). */
  assignments?: boolean;
  /** Options whose value is a whole command line, split or run by a shell: inline code. */
  commandStrings?: readonly string[];
}

export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  env: {
    values: ["-u", "--unset", "-C", "--chdir", "-P"],
    operands: 0,
    assignments: true,
    commandStrings: ["-S", "--split-string"],
  },
  nice: { values: ["-n", "--adjustment"], operands: 0 },
  timeout: { values: ["-s", "--signal", "-k", "--kill-after"], operands: 1 },
  nohup: { values: [], operands: 0 },
  setsid: { values: [], operands: 0 },
  command: { values: [], operands: 0 },
  busybox: { values: [], operands: 0 },
  stdbuf: { values: ["-i", "-o", "-e", "--input", "--output", "--error"], operands: 0 },
  time: { values: ["-f", "--format", "-o", "--output"], operands: 0 },
  ionice: { values: ["-c", "--class", "-n", "--classdata", "-p", "--pid", "-P", "--pgid", "-u", "--uid"], operands: 0 },
  taskset: { values: [], operands: 1 },
  chrt: { values: [], operands: 1 },
  flock: {
    values: ["-w", "--timeout", "-E", "--conflict-exit-code"],
    operands: 1,
    commandStrings: ["-c", "--command"],
  },
  sudo: {
    values: [
      "-u",
      "--user",
      "-g",
      "--group",
      "-h",
      "--host",
      "-p",
      "--prompt",
      "-C",
      "--close-from",
      "-D",
      "--chdir",
    ].concat(["-r", "--role", "-t", "--type", "-U", "--other-user", "-T", "--command-timeout", "-R", "--chroot"]),
    operands: 0,
    assignments: true,
  },
  doas: { values: ["-u", "-C"], operands: 0 },
  xargs: {
    values: ["-a", "--arg-file", "-d", "--delimiter", "-E", "-I", "-L", "-n", "--max-args", "-P", "--max-procs"].concat(
      ["-s", "--max-chars"],
    ),
    operands: 0,
  },
};

/** The file name of argv[0]: `/usr/bin/python3.11` -> `python3.11`. */
export function programName(arg0: string): string {
  return arg0.slice(arg0.lastIndexOf("/") + 1);
}

/** A wrapper's options, prepared for lookups while parsing an argv. */
interface WrapperOptions {
  spec: WrapperSpec;
  /** Options whose value is the next argument when they stand alone. */
  separate: ReadonlySet<string>;
  /** Each command-string option, with what an argument giving it starts with (`-S`, `--split-string=`). */
  commandStrings: readonly { option: string; prefix: string }[];
}

/** How `arg` starts when it gives `option` with its value attached. */
const attachedPrefix = (option: string) => (option.startsWith("--") ? `${option}=` : option);

const givesOption = (arg: string, option: string) => arg === option || arg.startsWith(attachedPrefix(option));

function wrapperOptions(spec: WrapperSpec): WrapperOptions {
  // An option stands alone only if no earlier option already claims it as an attached form.
  const claimedBy = (arg: string) => spec.values.find((option) => givesOption(arg, option));
  return {
    spec,
    separate: new Set(spec.values.filter((option) => claimedBy(option) === option)),
    commandStrings: (spec.commandStrings ?? []).map((option) => ({ option, prefix: attachedPrefix(option) })),
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

interface Unwrapped {
  /** Where the wrapped command starts in the wrapper's argv, if the wrapper names one. */
  inner?: number;
  /** The option that takes a command line as a string (`env -S`, `flock -c`), if used. */
  commandString?: string;
}

const NOT_A_WRAPPER: Unwrapped = {};

/** `NAME=value`, as env and sudo take before the command. */
function isAssignment(arg: string): boolean {
  const eq = arg.indexOf("=");
  if (eq < 1) return false;
  for (let i = 0; i < eq; i++) {
    const c = arg.charCodeAt(i);
    const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
    if (!letter && (i === 0 || c < 0x30 || c > 0x39)) return false;
  }
  return true;
}

/** What the wrapper whose argv starts at `argv[start]` runs. */
function unwrap(wrapper: WrapperOptions, argv: readonly string[], start: number): Unwrapped {
  const { spec } = wrapper;
  let operands = spec.operands;
  let options = true;
  for (let i = start + 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (options && arg === "--") {
      options = false;
      continue;
    }
    if (options && arg.startsWith("-") && arg !== "-") {
      for (const { option, prefix } of wrapper.commandStrings) {
        if (arg === option || arg.startsWith(prefix)) return { commandString: option };
      }
      if (wrapper.separate.has(arg)) i++;
      continue;
    }
    if (spec.assignments && operands === 0 && isAssignment(arg)) continue;
    if (operands > 0) {
      operands--;
      continue;
    }
    return { inner: i };
  }
  return {};
}

/** One program of a command chain: the argv from `start` on. */
export interface Link {
  argv: readonly string[];
  start: number;
  /** `programName` of `argv[start]`. */
  name: string;
  /** On the last link: the option by which this wrapper takes its command as a string, if it does. */
  commandString: string | undefined;
}

/** argv, then what it wraps, then what that wraps... (each starts further on, so this ends). */
export function commandChain(argv: readonly string[]): Link[] {
  const chain: Link[] = [];
  let start = 0;
  for (;;) {
    const name = programName(argv[start] ?? "");
    const wrapper = wrapperNamed(name);
    const { inner, commandString } = wrapper ? unwrap(wrapper, argv, start) : NOT_A_WRAPPER;
    chain.push({ argv, start, name, commandString });
    if (inner === undefined) return chain;
    start = inner;
  }
}
