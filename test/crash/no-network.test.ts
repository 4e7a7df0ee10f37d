/**
 * tollgate never sends a crash report itself: the crash module opens no
 * connection and loads nothing that could. A static check over the sources.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { PROJECT_ROOT } from "../helpers.ts";

const CRASH_DIR = join(PROJECT_ROOT, "src", "crash");

const NETWORK_MODULES =
  /^(?:node:)?(?:net|http|https|http2|dgram|tls|dns|dns\/promises|inspector)$|^undici|^ws$|^axios|^node-fetch/;

/** Network APIs that need no import. */
const NETWORK_CALLS = [
  /\bfetch\s*\(/,
  /\bWebSocket\b/,
  /\bBun\s*\.\s*(?:connect|listen|serve|udpSocket)\b/,
  /\bDeno\s*\.\s*(?:connect|listen|serve)\w*\b/,
  /\bXMLHttpRequest\b/,
  /\bEventSource\b/,
  /\bsendBeacon\b/,
  /\brequire\s*\(/,
];

/** Everything src/crash may import: its own files, core's public face, and these. */
const ALLOWED_IMPORTS = new Set([
  "../core/index.ts",
  "citty",
  "valibot",
  "node:child_process",
  "node:fs",
  "node:os",
  "node:path",
  "node:readline",
  "node:url",
]);

function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g))
    specifiers.push(match[1] as string);
  return specifiers;
}

function networkUse(source: string): string[] {
  return [
    ...importsOf(source).filter((specifier) => NETWORK_MODULES.test(specifier)),
    ...NETWORK_CALLS.filter((pattern) => pattern.test(source)).map(String),
  ];
}

const crashFiles = readdirSync(CRASH_DIR).filter((name) => name.endsWith(".ts"));

describe("the crash module opens no connection", () => {
  test("the check itself catches network use", () => {
    expect(networkUse('import { request } from "node:https";')).toEqual(["node:https"]);
    expect(networkUse('const s = await import("node:net");')).toEqual(["node:net"]);
    expect(networkUse("await fetch (url)")).toHaveLength(1);
    expect(networkUse("new WebSocket(url)")).toHaveLength(1);
    expect(networkUse("Bun.connect({})")).toHaveLength(1);
    expect(networkUse('import x from "./browser.ts"')).toEqual([]);
  });

  test.each(crashFiles)("src/crash/%s uses no network API", (name) => {
    expect(networkUse(readFileSync(join(CRASH_DIR, name), "utf8"))).toEqual([]);
  });

  test.each(crashFiles)("src/crash/%s imports only what the module is allowed", (name) => {
    const foreign = importsOf(readFileSync(join(CRASH_DIR, name), "utf8")).filter(
      (specifier) => !ALLOWED_IMPORTS.has(specifier) && !/^\.\/[\w-]+\.ts$/.test(specifier),
    );
    expect(foreign).toEqual([]);
  });

  test("nothing the crash module loads from src/ (core included) imports a network module", () => {
    const seen = new Set<string>();
    const pending = crashFiles.map((name) => join(CRASH_DIR, name));
    const offenders: string[] = [];
    while (pending.length > 0) {
      const file = pending.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const specifier of importsOf(readFileSync(file, "utf8"))) {
        if (NETWORK_MODULES.test(specifier)) offenders.push(`${file}: ${specifier}`);
        if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      }
    }
    expect([...seen].some((file) => file.endsWith("core/index.ts"))).toBe(true);
    expect(offenders).toEqual([]);
  });
});
