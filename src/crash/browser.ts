/**
 * Asks the operating system to open a URL in the user's browser. Failures are
 * ignored: the URL is always printed as well.
 */
import { spawn } from "node:child_process";
import { BASE_CHILD_ENV, childEnv } from "../core/index.ts";

/** What a launcher needs to reach the user's desktop session, and nothing else. */
const BROWSER_ENV = [
  ...BASE_CHILD_ENV,
  "BROWSER",
  "DISPLAY",
  "WAYLAND_DISPLAY",
  "XDG_RUNTIME_DIR",
  "XDG_CURRENT_DESKTOP",
  "XDG_SESSION_TYPE",
  "XDG_DATA_DIRS",
  "XDG_CONFIG_DIRS",
  "DBUS_SESSION_BUS_ADDRESS",
  "SystemRoot",
  "windir",
] as const;

/** How long to wait for the launcher to start (not to finish). */
const SPAWN_WAIT_MS = 3000;

/**
 * The launcher's argv. On Windows `cmd /c start` would parse the URL's `&`
 * as a command separator; rundll32 takes it as one argument.
 */
export function browserCommand(url: string, platform: NodeJS.Platform = process.platform): string[] {
  if (platform === "darwin") return ["open", url];
  if (platform === "win32") return ["rundll32", "url.dll,FileProtocolHandler", url];
  return ["xdg-open", url];
}

/**
 * Starts the launcher detached and does not wait for it. Not `runProcess`: it
 * kills the child's process group when the child exits or times out, and a
 * launcher such as xdg-open may leave the browser itself in that group.
 */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform): Promise<void> {
  const [file, ...args] = browserCommand(url, platform) as [string, ...string[]];
  return new Promise<void>((resolve) => {
    try {
      const child = spawn(file, args, {
        detached: true,
        stdio: "ignore",
        env: childEnv(BROWSER_ENV),
        windowsHide: true,
      });
      const timer = setTimeout(resolve, SPAWN_WAIT_MS);
      const done = () => {
        clearTimeout(timer);
        child.unref();
        resolve();
      };
      child.once("spawn", done);
      child.once("error", done);
    } catch {
      resolve();
    }
  });
}
