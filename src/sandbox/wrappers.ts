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

export interface Unwrapped {
  /** The wrapped argv, if the wrapper names a command. */
  inner?: string[];
  /** The option that takes a command line as a string (`env -S`, `flock -c`), if used. */
  commandString?: string;
}

function takesValue(arg: string, options: readonly string[]): "separate" | "attached" | undefined {
  for (const option of options) {
    if (arg === option) return "separate";
    if (option.startsWith("--") ? arg.startsWith(`${option}=`) : arg.startsWith(option)) return "attached";
  }
  return undefined;
}

/** What a wrapper argv runs; undefined when argv[0] is not a wrapper. */
export function unwrap(argv: readonly string[]): Unwrapped | undefined {
  const spec = WRAPPERS[programName(argv[0] ?? "")];
  if (!spec) return undefined;
  let operands = spec.operands;
  let options = true;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
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
    return { inner: argv.slice(i) };
  }
  return {};
}

/** argv, then what it wraps, then what that wraps... (each is shorter, so this ends). */
export function commandChain(argv: readonly string[]): (readonly string[])[] {
  const chain = [argv];
  for (;;) {
    const inner = unwrap(chain[chain.length - 1] as readonly string[])?.inner;
    if (!inner) return chain;
    chain.push(inner);
  }
}
