/**
 * The plain-subset reader must never disagree with the full strict parser:
 * whatever it accepts, the `yaml` library (with tollgate's strict options)
 * reads to the same value without an error. Everything else it must leave
 * to that parser.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parsePlainYaml } from "../../src/sandbox/plain-yaml.ts";
import { parseWithLibrary } from "../../src/sandbox/strict-yaml.ts";
import { CSC_DIR } from "./fixtures.ts";

/** Fails when the subset reader accepts `text` with a value the full parser does not give. */
async function agrees(text: string): Promise<boolean> {
  const plain = parsePlainYaml(text);
  if (plain === undefined) return false;
  expect({ text, value: await parseWithLibrary(text, "doc") }).toStrictEqual({ text, value: plain });
  return true;
}

const POLICY_DIR = join(CSC_DIR, "examples", "policies");

describe("the plain subset", () => {
  test("the CSC example policies are in it, and read as the full parser reads them", async () => {
    const names = readdirSync(POLICY_DIR).filter((name) => name.endsWith(".yaml"));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(await agrees(readFileSync(join(POLICY_DIR, name), "utf8"))).toBe(true);
  });

  test("scalars resolve as the YAML 1.2 core schema says", async () => {
    const text = [
      "a: yes",
      "b: true",
      "c: False",
      "d: ~",
      "e: null",
      "f: 600",
      "g: 0",
      "h: -lc",
      'i: "-c"',
      "j: '1'",
      "k: /workspace/a.b # a comment",
      "l: [x, 'y z', \"w, v\", 3, true, ~]",
      "m: []",
      "n:",
      "o: run the tests",
      "p: user@host",
      "q: ~/notes",
      "r: 1_000",
      "",
    ].join("\n");
    expect(await agrees(text)).toBe(true);
    expect(parsePlainYaml(text)).toEqual({
      a: "yes",
      b: true,
      c: false,
      d: null,
      e: null,
      f: 600,
      g: 0,
      h: "-lc",
      i: "-c",
      j: "1",
      k: "/workspace/a.b",
      l: ["x", "y z", "w, v", 3, true, null],
      m: [],
      n: null,
      o: "run the tests",
      p: "user@host",
      q: "~/notes",
      r: "1_000",
    });
  });

  test("nested mappings and sequences, compact or indented", async () => {
    const text = [
      "allow_commands:",
      "- git",
      "- ls",
      "deny_argv_prefixes:",
      '  - ["bash", "-lc"]',
      "  # a comment inside",
      "",
      "  - [sh, -c]",
      "tollgate:",
      "  allow_inline_code: false",
      "  limits:",
      "    cpu_seconds: 60",
      "  allowed_env:",
      "  - HOME",
      "network: deny",
    ].join("\n");
    expect(await agrees(text)).toBe(true);
  });

  test.each([
    ["a duplicate key", "a: 1\nb:\n  c: 1\n  c: 2\n"],
    ["a tag", "a: !foo x\n"],
    ["an anchor and an alias", "a: &x 1\nb: *x\n"],
    ["a flow mapping", "a: {b: 1}\n"],
    ["a block scalar", "a: |\n  text\n"],
    ["a multi-line plain scalar", "a: one\n  two\n"],
    ["an escape in a double-quoted scalar", 'a: "x\\ty"\n'],
    ["a quote in a single-quoted scalar", "a: 'it''s'\n"],
    ["a tab", "a:\t1\n"],
    ["CRLF line ends", "a: 1\r\nb: 2\r\n"],
    ["non-ASCII text", "a: é\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["a directive", "%YAML 1.2\n---\na: 1\n"],
    ["an indented first line", "  a: 1\n"],
    ["a float", "a: 1.5\n"],
    ["a hex number", "a: 0x1f\n"],
    ["a leading zero", "a: 007\n"],
    ["a negative number", "a: -1\n"],
    ["an integer beyond 2^53", "a: 9007199254740993\n"],
    ["a colon in a plain scalar", "a: b: c\n"],
    ["a comment without a space before it", 'a: "b"#c\n'],
    ["a mapping in a sequence", "a:\n  - b: 1\n"],
    ["a nested flow sequence", "a: [[b]]\n"],
    ["a trailing comma", "a: [b,]\n"],
    ["a missing comma", 'a: ["b" cd]\n'],
    ["a boolean key", "true: 1\n"],
    ["__proto__", "__proto__: 1\n"],
    ["a quoted key", '"a": 1\n'],
    ["JSON", '{"a": 1}\n'],
    ["an empty document", ""],
    ["a scalar document", "just text\n"],
  ])("%s is left to the full parser", (_, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });
});

// Documents built from the subset's grammar with near misses mixed in: odd
// keys and scalars, uneven indentation, comments, and now and then a line
// replaced or repeated.
const KEYS = ["a", "b", "name", "allow_commands", "x_1", "limits", "cpu_seconds"];
const ODD_KEYS = ["null", "True", "__proto__", "a b", "a:b", '"q"', "-a"];
const SCALARS = [
  ...[
    "git",
    "-lc",
    "--eval",
    "/workspace",
    "/a b/c",
    "yes",
    "on",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "~",
    "null",
    "Null",
  ],
  ...["0", "1", "60", "1_000", "x@y", "~/x"],
  ...['"quoted"', '"a, b"', '"a # b"', "'single'", "a #b", "[a, b]", "[]", "[ a , 'b' ]", '["bash", "-lc"]'],
];
const ODD_SCALARS = [
  "01",
  "-1",
  "+1",
  "1.",
  ".5",
  "1e3",
  ".inf",
  "0o7",
  "0x1F",
  "- x",
  "a#b",
  "a: b",
  "@x",
  '"x\\"',
  "'it''s'",
  "'a'b",
  "[a,]",
  '["a" bc]',
  "[a, [b]]",
  "{a: 1}",
];
const ODD_MORE = ["&anchor x", "*alias", "!tag x", "|", "é", "a\tb"];

type Tree =
  | { kind: "scalar"; text: string }
  | { kind: "map"; entries: [string, Tree][] }
  | { kind: "seq"; items: string[] };

const scalarText = fc.oneof(
  { weight: 25, arbitrary: fc.constantFrom(...SCALARS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_SCALARS, ...ODD_MORE) },
);
const key = fc.oneof(
  { weight: 25, arbitrary: fc.constantFrom(...KEYS) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalarText.map((text): Tree => ({ kind: "scalar", text })),
    fc.array(scalarText, { minLength: 1, maxLength: 4 }).map((items): Tree => ({ kind: "seq", items })),
    fc
      .uniqueArray(fc.tuple(key, tie("tree")), { minLength: 1, maxLength: 4, selector: ([name]) => name })
      .map((entries): Tree => ({ kind: "map", entries })),
  ),
}));
interface Layout {
  /** Spaces per nesting level. */
  step: number;
  /** Sequence items at their key's indentation (`key:\n- a`) rather than deeper. */
  compactSequences: boolean;
  /** What follows every scalar value. */
  comment: string;
  /** A blank line and a comment before every n-th entry (0: none). */
  blankEvery: number;
}

const layout: fc.Arbitrary<Layout> = fc.record({
  step: fc.constantFrom(1, 2, 4),
  compactSequences: fc.boolean(),
  comment: fc.constantFrom("", "  # note", " #"),
  blankEvery: fc.nat(5),
});

function render(entries: [string, Tree][], indent: number, style: Layout): string[] {
  const pad = " ".repeat(indent);
  return entries.flatMap(([name, value], index) => {
    const blank = style.blankEvery > 0 && index % style.blankEvery === 0 ? ["", `${pad}# between`] : [];
    if (value.kind === "scalar") return [...blank, `${pad}${name}: ${value.text}${style.comment}`];
    if (value.kind === "map") return [...blank, `${pad}${name}:`, ...render(value.entries, indent + style.step, style)];
    const itemPad = " ".repeat(style.compactSequences ? indent : indent + style.step);
    return [...blank, `${pad}${name}:`, ...value.items.map((item) => `${itemPad}- ${item}`)];
  });
}

const document = fc
  .tuple(
    fc.uniqueArray(fc.tuple(key, tree), { minLength: 1, maxLength: 6, selector: ([name]) => name }),
    layout,
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom("replace", "repeat", "indent"), scalarText) },
    ),
  )
  .map(([entries, style, mutation]) => {
    const lines = render(entries, 0, style);
    if (mutation !== null) {
      const [at, how, text] = mutation;
      const index = at % lines.length;
      const target = lines[index] as string;
      if (how === "replace") lines[index] = `${target.slice(0, target.length - target.trimStart().length)}${text}`;
      else if (how === "repeat") lines.splice(index, 0, target);
      else lines[index] = ` ${target}`;
    }
    return `${lines.join("\n")}\n`;
  });

test("property: whatever the subset reader accepts, the full parser reads the same", async () => {
  let accepted = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(document, async (text) => {
      runs++;
      if (await agrees(text)) accepted++;
    }),
    { numRuns: 3000 },
  );
  // The generator must reach the subset often enough for the property to mean something.
  expect(accepted).toBeGreaterThan(runs / 4);
});
