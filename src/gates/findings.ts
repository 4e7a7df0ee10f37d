/**
 * What every tool-output parser returns: findings in one shape, paths relative
 * to the project, and a typed error when the output is not the tool's format.
 * A gate maps that error to the verdict `error`, never to `pass`.
 */
import { EnvironmentError } from "../core/index.ts";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  file?: string;
  line?: number;
  column?: number;
  rule?: string;
  message: string;
  severity: Severity;
  tool: string;
}

/** Where the project is: absolute paths under it become relative in findings. */
export interface ParseOptions {
  root: string;
}

/** The output is not what the tool writes: not its format, truncated, or missing. */
export class ParseError extends EnvironmentError {
  readonly tool: string;

  constructor(tool: string, problem: string, options?: ErrorOptions) {
    super("GATE_OUTPUT_UNREADABLE", `${tool}: ${problem}`, options);
    this.tool = tool;
  }
}

/** The start of some output, for an error message that shows what came instead. */
export function preview(text: string): string {
  const flat = text.trim().replace(/\s+/g, " ");
  return flat === "" ? "nothing" : JSON.stringify(flat.length > 60 ? `${flat.slice(0, 60)}...` : flat);
}

const WINDOWS_ABSOLUTE = /^[A-Za-z]:[\\/]/;

/**
 * A tool's path as the project sees it: relative to `root` when it is under it
 * (`file://` URIs, Windows drive paths and backslashes included), unchanged
 * when it is outside. Windows paths compare without case, as the file system does.
 */
export function projectPath(path: string, root: string): string {
  const base = slashed(root).replace(/\/+$/, "");
  const file = slashed(fromFileUri(path));
  const windows = WINDOWS_ABSOLUTE.test(base);
  const under = windows ? file.toLowerCase().startsWith(`${base.toLowerCase()}/`) : file.startsWith(`${base}/`);
  if (under) return file.slice(base.length + 1);
  return file.startsWith("./") ? file.slice(2) : file;
}

function slashed(path: string): string {
  return WINDOWS_ABSOLUTE.test(path) || path.startsWith("\\\\") ? path.replaceAll("\\", "/") : path;
}

/** `file:///C:/a%20b/x.ts` -> `C:/a b/x.ts`; `file:///home/x.ts` -> `/home/x.ts`. */
function fromFileUri(path: string): string {
  if (!path.startsWith("file://")) return path;
  const rest = safeDecode(path.slice("file://".length));
  return /^\/[A-Za-z]:\//.test(rest) ? rest.slice(1) : rest;
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
