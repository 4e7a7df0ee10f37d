import { describe, expect, test } from "bun:test";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { resolveSecrets } from "../../src/sandbox/secrets.ts";
import { tempDir } from "../helpers.ts";

const VALUE = "secret-canary-93ab";

function secretsFile(content: unknown, mode = 0o600): string {
  const file = join(tempDir(), "secrets.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  chmodSync(file, mode);
  return file;
}

/** The error's message, which must never hold the canary. */
function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    expect(message).not.toContain(VALUE);
    return message;
  }
  throw new Error("expected an error");
}

describe("resolveSecrets", () => {
  test("values come from the file or from a named environment variable, delivered as the ref or `as`", () => {
    const file = secretsFile({ NPM_TOKEN: { value: VALUE }, "deploy-key": { env: "CI_DEPLOY", as: "DEPLOY_KEY" } });
    const resolved = resolveSecrets(["NPM_TOKEN", "deploy-key"], { file, env: { CI_DEPLOY: "from-env" } });
    expect(resolved).toEqual({ env: { NPM_TOKEN: VALUE, DEPLOY_KEY: "from-env" }, names: ["NPM_TOKEN", "DEPLOY_KEY"] });
  });

  test("no refs, no file read", () => {
    expect(resolveSecrets([], { file: "/nonexistent" })).toEqual({ env: {}, names: [] });
  });

  test("an unknown ref is an error naming the ref, never a value", () => {
    const file = secretsFile({ KNOWN: { value: VALUE } });
    expect(messageOf(() => resolveSecrets(["MISSING"], { file }))).toContain(
      'secret ref "MISSING" is not in the secrets file',
    );
  });

  test("a file others can read, or owned by someone else, is refused", () => {
    const open = secretsFile({ A: { value: VALUE } }, 0o644);
    expect(messageOf(() => resolveSecrets(["A"], { file: open }))).toContain("chmod 600");
    const group = secretsFile({ A: { value: VALUE } }, 0o640);
    expect(messageOf(() => resolveSecrets(["A"], { file: group }))).toContain("mode 640");
    const file = secretsFile({ A: { value: VALUE } }, 0o400);
    expect(resolveSecrets(["A"], { file }).env.A).toBe(VALUE);
    expect(messageOf(() => resolveSecrets(["A"], { file, uid: 4242 }))).toContain("not owned by you");
  });

  test("an unset environment variable, a bad entry, bad JSON: errors that keep values out", () => {
    const unset = secretsFile({ A: { env: "TOLLGATE_UNSET_VAR" } });
    expect(messageOf(() => resolveSecrets(["A"], { file: unset, env: {} }))).toContain("TOLLGATE_UNSET_VAR");
    const both = secretsFile({ A: { value: VALUE, env: "X" } });
    expect(messageOf(() => resolveSecrets(["A"], { file: both }))).toContain(
      'must be {"env": "VAR"} or {"value": "..."}',
    );
    const broken = secretsFile(`{"A": {"value": "${VALUE}" x}}`);
    expect(messageOf(() => resolveSecrets(["A"], { file: broken }))).toMatch(
      /not valid JSON \(at line 1, column \d+\)/,
    );
    const badName = secretsFile({ "vault://x": { value: VALUE } });
    expect(messageOf(() => resolveSecrets(["vault://x"], { file: badName }))).toContain('"as"');
  });
});
