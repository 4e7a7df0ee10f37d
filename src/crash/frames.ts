/**
 * Stack frames: parsing the V8/JavaScriptCore `at fn (file:line:col)` lines
 * that Bun, the compiled executable and Deno print, and telling tollgate's own
 * frames (a file under `src/`) from those of dependencies and the runtime.
 */
import { fileURLToPath } from "node:url";
import { EMBEDDED_ROOTS } from "../core/index.ts";

export interface StackFrame {
  fn: string | undefined;
  /** Whatever the runtime printed: a path, a `file://` URL, `native`, `unknown`... */
  location: string;
  line: number | undefined;
}

/** A frame in tollgate's own source: `file` is relative to the repository, e.g. `src/core/x.ts`. */
interface OwnFrame {
  own: true;
  file: string;
  line: number;
  fn: string;
}

/** `runtime`: a frame of the runtime itself (a builtin such as JSON.parse or node:fs), not of a dependency. */
export type Frame = OwnFrame | { own: false; runtime?: true };

/** `at fn (location)` or `at location`; V8 marks awaited frames `at async ...`. */
const FRAME_LINE = /^\s*at (?:async )?(?:(.*?) \((.*)\)|(.*))$/;
const LOCATION = /^(.*?):(\d+)(?::\d+)?$/;

export function parseStack(stack: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of stack.split("\n")) {
    const match = FRAME_LINE.exec(text.trimEnd());
    if (!match) continue;
    const location = (match[2] ?? match[3] ?? "").trim();
    const position = LOCATION.exec(location);
    frames.push({
      fn: match[1],
      location: position ? (position[1] as string) : location,
      line: position ? Number(position[2]) : undefined,
    });
  }
  return frames;
}

/**
 * The frame lines of a stack, after the message: a message that spans lines
 * could otherwise pose as frames (`...\n    at x (src/y.ts:1:1)`).
 */
export function stackBody(stack: string, message: string): string {
  const at = message === "" ? -1 : stack.indexOf(message);
  return at === -1 ? stack : stack.slice(at + message.length);
}

const OWN_FILE = /^src\/(?:[\w-][\w.-]*\/)*[\w-][\w.-]*\.(?:ts|tsx|mts|js|mjs)$/;

/**
 * The repository-relative path of a frame's file when it is one of tollgate's
 * own sources, else undefined. Inside the compiled executable source maps
 * make frames relative already (`src/core/x.ts`); from source they are
 * absolute below `sourceRoot`, or `file://` URLs under Deno.
 */
export function ownFile(location: string, sourceRoot: string | undefined): string | undefined {
  let path = slashPath(location);
  for (const root of EMBEDDED_ROOTS) {
    const prefix = slashPath(root);
    if (path.startsWith(prefix)) path = path.slice(prefix.length);
  }
  if (sourceRoot) {
    const root = `${slashPath(sourceRoot).replace(/\/+$/, "")}/`;
    const windows = /^[A-Za-z]:/.test(root);
    const under = windows ? path.toLowerCase().startsWith(root.toLowerCase()) : path.startsWith(root);
    if (under) path = path.slice(root.length);
  }
  return OWN_FILE.test(path) && !path.includes("node_modules") ? path : undefined;
}

/** `file:///C:/x/y.ts` and `C:\x\y.ts` both become `C:/x/y.ts`; POSIX paths stay as they are. */
function slashPath(location: string): string {
  let path = location;
  if (/^file:\/\//i.test(path)) {
    path = path.replace(/^file:\/\/(?:localhost)?/i, "");
    try {
      path = decodeURIComponent(path);
    } catch {
      // keep the raw text; it will not match a source root
    }
    if (/^\/[A-Za-z]:[\\/]/.test(path)) path = path.slice(1);
  }
  return path.replace(/\\/g, "/");
}

/** `new Foo`, `Object.<anonymous>`: kept readable, stripped to a safe alphabet. */
export function functionName(raw: string | undefined): string {
  const name = (raw ?? "")
    .replace(/[^\w$.<>[\] -]/g, "")
    .trim()
    .slice(0, 80)
    .trim();
  return name === "" ? "<anonymous>" : name;
}

export function classifyFrames(frames: readonly StackFrame[], sourceRoot: string | undefined): Frame[] {
  return frames.map((frame): Frame => {
    const file = frame.line === undefined ? undefined : ownFile(frame.location, sourceRoot);
    if (file !== undefined && frame.line !== undefined) {
      return { own: true, file, line: frame.line, fn: functionName(frame.fn) };
    }
    return isRuntimeFrame(frame) ? { own: false, runtime: true } : { own: false };
  });
}

const RUNTIME_LOCATION = /^(?:native|unknown|node:|bun:|ext:|internal\/|$)/;

function isRuntimeFrame(frame: StackFrame): boolean {
  return frame.line === undefined || frame.line === 0 || RUNTIME_LOCATION.test(frame.location);
}

/**
 * The rule of the crash boundary: a report only when the innermost frame that
 * raised is ours. Runtime builtins are looked through: `JSON.parse` or
 * `readFileSync` throwing on input tollgate failed to check is tollgate's bug,
 * while an exception raised inside a dependency is not.
 */
export function raisedInOwnCode(frames: readonly Frame[]): boolean {
  const raiser = frames.find((frame) => frame.own || frame.runtime !== true);
  return raiser?.own === true;
}

/**
 * The checkout tollgate runs from, when it runs from source: two folders up
 * from this module. Inside the compiled executable modules live in the
 * embedded filesystem and frames are relative, so there is none.
 */
export function sourceRootOf(moduleUrl: string = import.meta.url): string | undefined {
  if (!/\/src\/crash\/[^/]+\.[jt]s$/.test(moduleUrl) || !moduleUrl.startsWith("file:")) return undefined;
  if (EMBEDDED_ROOTS.some((root) => slashPath(moduleUrl).startsWith(slashPath(root)))) return undefined;
  return fileURLToPath(new URL("../..", moduleUrl));
}
