import { expect, test } from "bun:test";
import { defineCommand } from "citty";
import { rejectUnknownFlags, resolveCommand } from "../../src/core/cli.ts";

const exec = defineCommand({
  args: {
    contract: { type: "positional", required: true },
    key: { type: "string" },
    mode: { type: "enum", options: ["local", "hardened"] },
    json: { type: "boolean" },
  },
});
const root = defineCommand({ subCommands: { exec } });

async function check(argv: string[]): Promise<string> {
  try {
    await rejectUnknownFlags(await resolveCommand(root, argv));
    return "ok";
  } catch (error) {
    return (error as Error).message;
  }
}

test("the value of a string option may start with a dash (a kid is base64url: 1 in 64 starts with -)", async () => {
  expect(await check(["exec", "c.json", "--key", "-4NiZnCInNNxgBSI16kL80uCQpdQceB7w08YY0hqXag", "--json"])).toBe("ok");
  expect(await check(["exec", "--key", "-abc", "c.json"])).toBe("ok");
});

test("an unknown option is refused, wherever it stands", async () => {
  expect(await check(["exec", "c.json", "--nope"])).toMatch(/unknown option --nope for "tollgate exec"/);
  expect(await check(["exec", "c.json", "--json", "-x"])).toMatch(/unknown option -x/);
  expect(await check(["exec", "c.json", "--key=-abc", "--nope"])).toMatch(/unknown option --nope/);
});
