/**
 * The plain block subset of YAML that policies are written in, read without
 * the `yaml` library: loading and running that library is most of what a
 * policy costs `tollgate exec` (about 6 ms of a one-shot process).
 *
 * The subset: printable ASCII; `key:` lines (plain keys) holding a scalar, a
 * one-line flow sequence of scalars, a nested block mapping or a block
 * sequence of such values; double- or single-quoted scalars without escapes;
 * plain scalars of a conservative character set; comments and blank lines.
 * Anything else (and any duplicate key) returns `undefined`, and the caller
 * parses the text with the full strict parser, which also gives the errors.
 * Within the subset the result equals what that parser returns (the YAML 1.2
 * core schema); a differential property test holds the two together.
 */

interface Line {
  indent: number;
  content: string;
}

/** Thrown (and caught below) when the text leaves the subset. */
class OutsideSubset extends Error {}

const outside = (): never => {
  throw new OutsideSubset();
};

/** A plain key, short enough to be an implicit key anywhere (YAML caps those at 1024 characters). */
const KEY = /^([A-Za-z_][A-Za-z0-9_]{0,127}):(?=$| )/;
/** After a value: nothing but spaces, or spaces and a comment (`#` must follow a space). */
const VALUE_END = /^(?: *| +#.*)$/;
const PLAIN = /^(?:[A-Za-z0-9_./~]|-(?=[A-Za-z0-9_./~+=@-]))[A-Za-z0-9_./~+=@ -]*$/;
const FLOW_PLAIN = /[A-Za-z0-9_./~+=@-]+(?: +[A-Za-z0-9_./~+=@-]+)*/y;
const DOUBLE_QUOTED = /"([^"\\]*)"/y;
const SINGLE_QUOTED = /'([^']*)'/y;

// The YAML 1.2 core schema's tests, as the `yaml` library writes them.
const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const OTHER_NUMBERS = [
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** The mapping `text` holds, or `undefined` when `text` is outside the plain subset. */
export function parsePlainYaml(text: string): Record<string, unknown> | undefined {
  if (!/^[\x20-\x7e\n]*$/.test(text)) return undefined;
  try {
    const lines = contentLines(text);
    if (lines.length === 0 || lines[0]?.indent !== 0) return undefined;
    const [mapping, next] = blockMapping(lines, 0, 0);
    return next === lines.length ? mapping : undefined;
  } catch (error) {
    if (error instanceof OutsideSubset) return undefined;
    throw error;
  }
}

function contentLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split("\n")) {
    const content = raw.trimStart();
    if (content === "" || content.startsWith("#")) continue;
    if (/^(?:---|\.\.\.|%)/.test(raw)) outside();
    lines.push({ indent: raw.length - content.length, content });
  }
  return lines;
}

function blockMapping(lines: Line[], start: number, indent: number): [Record<string, unknown>, number] {
  const mapping: Record<string, unknown> = {};
  let index = start;
  while (index < lines.length) {
    const line = lines[index] as Line;
    if (line.indent < indent) break;
    if (line.indent > indent) outside();
    const key = KEY.exec(line.content)?.[1] ?? outside();
    if (Object.hasOwn(mapping, key) || key === "__proto__" || NULL.test(key) || BOOL.test(key)) outside();
    const rest = line.content.slice(key.length + 1).trimStart();
    index++;
    if (rest !== "" && !rest.startsWith("#")) {
      mapping[key] = inlineValue(rest);
      continue;
    }
    const next = lines[index];
    if (next !== undefined && next.indent >= indent && /^-(?: |$)/.test(next.content)) {
      [mapping[key], index] = blockSequence(lines, index, next.indent);
    } else if (next !== undefined && next.indent > indent) {
      [mapping[key], index] = blockMapping(lines, index, next.indent);
    } else mapping[key] = null;
  }
  return [mapping, index];
}

function blockSequence(lines: Line[], start: number, indent: number): [unknown[], number] {
  const items: unknown[] = [];
  let index = start;
  while (index < lines.length) {
    const line = lines[index] as Line;
    if (line.indent !== indent || !line.content.startsWith("- ")) break;
    const item = line.content.slice(2).trimStart();
    if (item === "" || item.startsWith("#")) outside();
    items.push(inlineValue(item));
    index++;
  }
  // A deeper line next would continue an item: the mapping that holds this sequence refuses it.
  return [items, index];
}

/** A scalar or a one-line flow sequence of scalars, then nothing but an optional comment. */
function inlineValue(text: string): unknown {
  if (text.startsWith("[")) return flowSequence(text);
  const quoted = quotedScalar(text, 0);
  if (quoted !== undefined) {
    if (!VALUE_END.test(text.slice(quoted.end))) outside();
    return quoted.value;
  }
  const comment = text.indexOf(" #");
  return plainScalar((comment === -1 ? text : text.slice(0, comment)).trimEnd());
}

function flowSequence(text: string): unknown[] {
  const items: unknown[] = [];
  let at = skipSpaces(text, 1);
  if (text[at] === "]") return finishFlow(text, at, items);
  for (;;) {
    const quoted = quotedScalar(text, at);
    if (quoted !== undefined) {
      items.push(quoted.value);
      at = quoted.end;
    } else {
      FLOW_PLAIN.lastIndex = at;
      const plain = FLOW_PLAIN.exec(text)?.[0] ?? outside();
      items.push(plainScalar(plain));
      at += plain.length;
    }
    at = skipSpaces(text, at);
    if (text[at] === "]") return finishFlow(text, at, items);
    if (text[at] !== ",") outside();
    at = skipSpaces(text, at + 1);
  }
}

function finishFlow(text: string, closing: number, items: unknown[]): unknown[] {
  if (!VALUE_END.test(text.slice(closing + 1))) outside();
  return items;
}

function skipSpaces(text: string, at: number): number {
  let index = at;
  while (text[index] === " ") index++;
  return index;
}

function quotedScalar(text: string, at: number): { value: string; end: number } | undefined {
  const pattern = text[at] === '"' ? DOUBLE_QUOTED : text[at] === "'" ? SINGLE_QUOTED : undefined;
  if (pattern === undefined) return undefined;
  pattern.lastIndex = at;
  const match = pattern.exec(text) ?? outside();
  return { value: match[1] as string, end: at + match[0].length };
}

function plainScalar(text: string): string | number | boolean | null {
  if (!PLAIN.test(text)) outside();
  if (NULL.test(text)) return null;
  if (BOOL.test(text)) return text[0] === "t" || text[0] === "T";
  if (DECIMAL.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : outside();
  if (OTHER_NUMBERS.some((pattern) => pattern.test(text))) outside();
  return text;
}
