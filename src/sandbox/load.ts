/** Reading a contract or policy file: size cap before reading, strict UTF-8, errors that name the file. */
import { readFileCapped, UserError } from "../core/index.ts";

export function readDocument(path: string, maxBytes: number, what: string): string {
  let bytes: Uint8Array;
  try {
    bytes = readFileCapped(path, maxBytes, what);
  } catch (error) {
    if (error instanceof UserError && error.code !== "FILE_TOO_LARGE") {
      const why =
        error.code === "NOT_A_FILE" ? "not a regular file" : error.message.slice(error.message.lastIndexOf(": ") + 2);
      throw new UserError(error.code, `failed to read ${what} ${path}: ${why}`, { cause: error });
    }
    throw error;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError("NOT_UTF8", `failed to read ${what} ${path}: it is not UTF-8 text`);
  }
}
