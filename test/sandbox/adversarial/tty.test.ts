import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { runProcess } from "../../../src/core/process.ts";
import { bwrapArgs } from "../../../src/sandbox/bwrap-args.ts";
import { fakeHost, plan } from "../../fixtures/sandbox/plans.ts";
import { PROJECT_ROOT } from "../../helpers.ts";

const code = `import fcntl, os, termios; fd = os.open("/dev/tty", os.O_RDWR); fcntl.ioctl(fd, termios.TIOCSTI, b"x"); print("injected")`;
const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "dumb" };

/** Runs `command` with a terminal as its controlling tty (util-linux `script`). */
function inTerminal(command: string) {
  return runProcess(["script", "-qec", command, "/dev/null"], { env, timeoutMs: 20_000 });
}

test("TIOCSTI: a command in the sandbox cannot push keystrokes into the user's terminal", async () => {
  const legacy = readFileSync("/proc/sys/dev/tty/legacy_tiocsti", "utf8").trim();
  // With a controlling terminal, the injection works outside (unless the kernel disabled TIOCSTI for everyone).
  const direct = await inTerminal(`/usr/bin/python3 -c '${code}'`);
  if (legacy === "1") expect(direct.stdout.text).toContain("injected");
  else expect(direct.stdout.text).toContain("Operation not permitted");

  const harness = join(PROJECT_ROOT, "test/fixtures/sandbox/tiocsti.ts");
  const sandboxed = await inTerminal(`${process.execPath} ${harness} hardened`);
  const outcome = JSON.parse(sandboxed.stdout.text.trim().split("\n").at(-1) ?? "{}");
  expect(outcome.stdout).toBe("");
  expect(outcome.stderr).toContain("No such device or address: '/dev/tty'");
  // The sandbox starts a new session whatever tollgate's own launcher does.
  expect(bwrapArgs(plan([["/usr/bin/true"]]), fakeHost({ "/usr": { dir: true } }))[0]).toContain("--new-session");
});
