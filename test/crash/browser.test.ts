import { afterEach, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { browserCommand, openInBrowser } from "../../src/crash/browser.ts";
import { tempDir } from "../helpers.ts";

const URL_WITH_AMPERSANDS = "https://github.com/o/r/issues/new?title=a%20b&body=c&labels=crash-report";

async function waitFor(file: string, timeoutMs = 5000): Promise<string> {
  for (let waited = 0; waited < timeoutMs; waited += 20) {
    if (existsSync(file)) {
      const text = readFileSync(file, "utf8");
      if (text.endsWith("\n")) return text;
    }
    await Bun.sleep(20);
  }
  throw new Error(`${file} never appeared`);
}

describe("browserCommand", () => {
  test.each([
    ["linux", ["xdg-open", URL_WITH_AMPERSANDS]],
    ["freebsd", ["xdg-open", URL_WITH_AMPERSANDS]],
    ["darwin", ["open", URL_WITH_AMPERSANDS]],
    // No cmd.exe: it would split the URL at each `&`.
    ["win32", ["rundll32", "url.dll,FileProtocolHandler", URL_WITH_AMPERSANDS]],
  ] as const)("%s", (platform, argv) => {
    expect(browserCommand(URL_WITH_AMPERSANDS, platform)).toEqual([...argv]);
  });
});

describe("openInBrowser", () => {
  const saved = { PATH: process.env.PATH, TOLLGATE_CANARY: process.env.TOLLGATE_CANARY };
  afterEach(() => {
    process.env.PATH = saved.PATH;
    if (saved.TOLLGATE_CANARY === undefined) delete process.env.TOLLGATE_CANARY;
    else process.env.TOLLGATE_CANARY = saved.TOLLGATE_CANARY;
  });

  test("passes the URL as one argument, with an allowlisted environment, and leaves the browser running", async () => {
    const dir = tempDir();
    const record = join(dir, "record.txt");
    const alive = join(dir, "alive.txt");
    const launcher = join(dir, "xdg-open");
    // Like xdg-open starting a browser: the launcher exits, the browser lives on in its process group.
    writeFileSync(
      launcher,
      `#!/bin/sh\n{ printf 'argc=%s\\n' "$#"; printf 'url=%s\\n' "$1"; env; echo end; } > '${record}'\n( sleep 1; echo alive > '${alive}' ) &\nexit 0\n`,
    );
    chmodSync(launcher, 0o755);
    process.env.PATH = `${dir}:${saved.PATH}`;
    process.env.TOLLGATE_CANARY = "sk-canary0123456789abcdef";
    await openInBrowser(URL_WITH_AMPERSANDS, "linux");
    const text = await waitFor(record);
    expect(text).toContain("argc=1\n");
    expect(text).toContain(`url=${URL_WITH_AMPERSANDS}\n`);
    expect(text).not.toContain("canary");
    expect(await waitFor(alive)).toBe("alive\n");
  });

  test("a missing launcher is ignored", async () => {
    process.env.PATH = tempDir();
    expect(await openInBrowser("https://example.invalid/", "linux")).toBeUndefined();
  });
});
