type Env = Record<string, string | undefined>;

/** Prompts are allowed only with a person at both ends: stdin and stderr are TTYs. */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true;
}

/** Colour on stderr when it is a TTY, unless NO_COLOR (any non-empty value) or TERM=dumb says no. */
export function useColor(stream: { isTTY?: boolean } = process.stderr, env: Env = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
