/**
 * What can safely be said about any thrown value, even a hostile one (a
 * string, undefined, an object whose getters throw).
 */
import { stackBody } from "./frames.ts";
import { redactTokens } from "./scrub.ts";

export interface Thrown {
  /** The class name (`TypeError`), or `typeof` for a value that is not an object (`string`, `undefined`). */
  className: string;
  /** First line of the message, for the user's terminal only: never stored. */
  message: string;
  /** The frame lines, when the value carries a stack. */
  stack: string | undefined;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]{0,79}$/;
const MAX_MESSAGE_LENGTH = 200;

export function describeThrown(value: unknown): Thrown {
  if (value === null || value === undefined) return { className: String(value), message: "", stack: undefined };
  if (typeof value !== "object" && typeof value !== "function") {
    return { className: typeof value, message: messageLine(attempt(() => String(value))), stack: undefined };
  }
  const record = value as { constructor?: { name?: unknown }; name?: unknown; message?: unknown; stack?: unknown };
  const rawMessage = attempt(() => (typeof record.message === "string" ? record.message : ""));
  const stack = attempt(() => (typeof record.stack === "string" ? record.stack : ""));
  return {
    className: className(record, attempt(() => value instanceof Error) === true),
    message: messageLine(rawMessage),
    stack: stack === "" ? undefined : stackBody(stack, rawMessage),
  };
}

function className(record: { constructor?: { name?: unknown }; name?: unknown }, isError: boolean): string {
  const names = [attempt(() => record.constructor?.name), attempt(() => record.name)];
  const name = names.find(
    (candidate) => typeof candidate === "string" && IDENTIFIER.test(candidate) && candidate !== "Object",
  );
  return typeof name === "string" ? name : isError ? "Error" : "Object";
}

/** One line, no control characters (a message could hold terminal escapes), tokens redacted, capped. */
function messageLine(message: string): string {
  const line = (message.split("\n")[0] ?? "").replace(/\p{Cc}/gu, "").trim();
  const capped = line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}...` : line;
  return redactTokens(capped);
}

function attempt<T>(read: () => T): T | "" {
  try {
    return read();
  } catch {
    return "";
  }
}
