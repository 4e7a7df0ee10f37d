/**
 * A yes/no question on the terminal that defaults to No. Callers check first
 * that stdin and stderr are terminals; this module only asks.
 */
import { createInterface } from "node:readline";

export type Answer = "yes" | "no" | "interrupted";

export interface PromptIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** Only `y` or `yes` (any case) is a yes: an empty answer, anything else, or EOF is a no. */
function isYes(text: string): boolean {
  return /^(?:y|yes)$/i.test(text.trim());
}

/**
 * Asks `question`; resolves "interrupted" on Ctrl-C. In terminal mode the
 * terminal sends no SIGINT for Ctrl-C: readline emits it on the interface.
 */
export function askYesNo(
  question: string,
  io: PromptIO = { input: process.stdin, output: process.stderr },
): Promise<Answer> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: true });
  return new Promise<Answer>((resolve) => {
    let settled = false;
    const settle = (answer: Answer) => {
      if (settled) return;
      settled = true;
      rl.close();
      resolve(answer);
    };
    rl.on("SIGINT", () => {
      io.output.write("\n");
      settle("interrupted");
    });
    rl.on("close", () => {
      if (!settled) io.output.write("\n");
      settle("no");
    });
    rl.question(question, (text) => settle(isYes(text) ? "yes" : "no"));
  });
}
