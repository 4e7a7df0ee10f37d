type Env = Record<string, string | undefined>;

/** File descriptors of the standard streams. */
export type StdFd = 0 | 1 | 2;

/**
 * Whether a standard stream is a terminal. Asked of the descriptor, not of
 * `process.stdout`/`process.stderr`, and node:tty is loaded only when asked:
 * both cost a compiled Bun executable milliseconds on every start.
 */
function isTerminal(fd: StdFd): boolean {
  return process.getBuiltinModule("node:tty").isatty(fd);
}

/** Prompts are allowed only with a person at both ends: stdin and stderr are TTYs. */
export function canPrompt(): boolean {
  return isTerminal(0) && isTerminal(2);
}

/** Colour on a terminal (stderr by default), unless NO_COLOR (any non-empty value) or TERM=dumb says no. */
export function useColor(fd: StdFd = 2, env: Env = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return isTerminal(fd);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
