/**
 * Writing to stdout and stderr. stdout carries only what was asked for (a
 * `--json` document, a hash, an exported key); messages for people go to
 * stderr. Writes go straight to the descriptors: `process.stdout` and
 * `process.stderr` cost a compiled Bun executable milliseconds to set up,
 * and tollgate's start-up is part of every command it runs.
 */
import { writeSync } from "node:fs";
import type { StdFd } from "./terminal.ts";

const encoder = new TextEncoder();
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text`, retrying partial writes and EAGAIN (a non-blocking
 * pipe that is full). A reader that has gone away (EPIPE) ends tollgate
 * quietly: `tollgate ... | head` is a normal way to stop reading.
 */
function writeAll(fd: StdFd, data: string | Uint8Array): void {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  let written = 0;
  while (written < bytes.length) {
    try {
      written += writeSync(fd, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE") process.exit(0);
      if (code !== "EAGAIN") throw error;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

export function writeStdout(data: string | Uint8Array): void {
  writeAll(1, data);
}

export function writeStderr(text: string): void {
  writeAll(2, text);
}

/** Writes one JSON document to stdout. */
export function printJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}
