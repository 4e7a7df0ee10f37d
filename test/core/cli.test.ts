import { expect, test } from "bun:test";
import type { CommandDef } from "citty";
import { defineCommand, optionalValue, type ParsedArgs, parseArgs, resolveCommand } from "../../src/core/cli.ts";

const exec = defineCommand({
  args: {
    contract: { type: "positional", required: true },
    policy: { type: "string", required: true },
    key: { type: "string" },
    "receipt-out": { type: "string" },
    mode: { type: "enum", options: ["local", "hardened"], default: "hardened" },
    json: { type: "boolean" },
    dryRun: { type: "boolean" },
  },
});
const ci = defineCommand({
  args: { changed: { type: "string", ...optionalValue }, json: { type: "boolean" } },
});
const show = defineCommand({ args: { id: { type: "positional", required: false, default: "latest" } } });
const root = defineCommand({
  args: { version: { type: "boolean", alias: "v" } },
  subCommands: { exec, show, ci },
});

async function parse(argv: string[]): Promise<ParsedArgs> {
  return parseArgs(await resolveCommand(root as CommandDef, argv));
}

async function problem(argv: string[]): Promise<string> {
  try {
    await parse(argv);
    return "parsed";
  } catch (error) {
    return (error as Error).message;
  }
}

test("options, positionals, defaults and the forms of a value", async () => {
  expect(await parse(["exec", "c.json", "--policy", "p.yaml", "--receipt-out=r.jws", "--json"])).toEqual({
    _: ["c.json"],
    contract: "c.json",
    policy: "p.yaml",
    key: undefined,
    "receipt-out": "r.jws",
    mode: "hardened",
    json: true,
    dryRun: undefined,
  });
  const local = await parse(["exec", "--mode", "local", "--policy=p.yaml", "c.json", "--dry-run", "--json=false"]);
  expect(local).toMatchObject({ mode: "local", policy: "p.yaml", contract: "c.json", dryRun: true, json: false });
  expect(await parse(["exec", "c.json", "--policy", "p", "--json", "--no-json"])).toMatchObject({ json: false });
  expect(await parse(["show"])).toMatchObject({ id: "latest" });
  expect(await parse(["-v"])).toMatchObject({ version: true });
});

test("the value of a string option may start with a dash (a kid is base64url: 1 in 64 starts with -)", async () => {
  const kid = "-4NiZnCInNNxgBSI16kL80uCQpdQceB7w08YY0hqXag";
  expect(await parse(["exec", "c.json", "--policy", "p", "--key", kid, "--json"])).toMatchObject({ key: kid });
  expect(await parse(["exec", "--key", "-abc", "--policy", "p", "c.json"])).toMatchObject({ key: "-abc" });
});

test("after --, everything is a positional", async () => {
  expect(await parse(["exec", "--policy", "p", "--", "--json"])).toMatchObject({ contract: "--json", json: undefined });
});

test("an unknown option is refused, wherever it stands, in any spelling", async () => {
  expect(await problem(["exec", "c.json", "--policy", "p", "--nope"])).toBe(
    'unknown option --nope for "tollgate exec"; run "tollgate exec --help" to list its options',
  );
  expect(await problem(["exec", "c.json", "--json", "-x"])).toMatch(/unknown option -x for/);
  expect(await problem(["exec", "c.json", "--key=-abc", "--nope=1"])).toMatch(/unknown option --nope for/);
  expect(await problem(["exec", "c.json", "-json"])).toMatch(/unknown option -json for/);
  expect(await problem(["exec", "c.json", "--no-policy"])).toMatch(/unknown option --no-policy for/);
  expect(await problem(["--v"])).toMatch(/unknown option --v for "tollgate"/);
});

test("bad arguments are usage errors that say what is wrong", async () => {
  const help = '; run "tollgate exec --help" to see its arguments';
  expect(await problem(["exec", "--policy", "p"])).toBe(`CONTRACT is missing${help}`);
  expect(await problem(["exec", "c.json"])).toBe(`--policy is required${help}`);
  expect(await problem(["exec", "c.json", "--policy"])).toBe(`--policy needs a value${help}`);
  expect(await problem(["exec", "c.json", "--policy", "p", "--mode", "remote"])).toBe(
    `--mode takes one of local, hardened, not "remote"${help}`,
  );
  expect(await problem(["exec", "c.json", "d.json", "--policy", "p"])).toBe(`unexpected argument "d.json"${help}`);
  expect(await problem(["exec", "c.json", "--policy", "p", "--no-json=1"])).toBe(`--no-json takes no value${help}`);
});

test("an option whose value may be left out: alone or before another option it is empty", async () => {
  expect(await parse(["ci", "--changed"])).toMatchObject({ changed: "" });
  expect(await parse(["ci", "--changed", "--json"])).toMatchObject({ changed: "", json: true });
  expect(await parse(["ci", "--changed=main"])).toMatchObject({ changed: "main" });
  expect(await parse(["ci", "--changed", "origin/main", "--json"])).toMatchObject({ changed: "origin/main" });
  expect(await parse(["ci"])).toMatchObject({ changed: undefined });
});
