/**
 * Reading a tool's XML output (JUnit, Cobertura, lizard) with fast-xml-parser:
 * well-formedness checked first, so a truncated file is an error and not a
 * shorter report; entities, character references and CDATA decoded.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { ParseError, preview } from "./findings.ts";

/** An element: its attributes, its text and its child elements by tag, in document order per tag. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
  readonly children: Readonly<Record<string, readonly XmlElement[]>>;
}

const ATTRIBUTES = "@";
const TEXT = "#text";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributesGroupName: ATTRIBUTES,
  attributeNamePrefix: "",
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  // Decodes numeric character references (`&#10;`), which pytest and bun write in attributes.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  alwaysCreateTextNode: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The document's root element, which must be one of `roots`. */
export function readXml(tool: string, text: string, roots: readonly string[]): XmlElement {
  if (text.trim() === "") throw new ParseError(tool, `expected XML (<${roots.join("> or <")}>), got nothing`);
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new ParseError(tool, `malformed XML at line ${valid.err.line}: ${valid.err.msg}`);
  }
  const document = toElement(parser.parse(text), "");
  for (const name of roots) {
    const root = document.children[name]?.[0];
    if (root) return root;
  }
  const found = Object.keys(document.children)[0];
  throw new ParseError(
    tool,
    `expected a <${roots.join("> or <")}> document, got ${found ? `<${found}>` : preview(text)}`,
  );
}

function toElement(node: unknown, name: string): XmlElement {
  if (typeof node !== "object" || node === null)
    return { name, attributes: {}, text: String(node ?? ""), children: {} };
  const record = node as Record<string, unknown>;
  const children: Record<string, XmlElement[]> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === ATTRIBUTES || key === TEXT) continue;
    children[key] = (Array.isArray(value) ? value : [value]).map((child) => toElement(child, key));
  }
  return {
    name,
    attributes: (record[ATTRIBUTES] as Record<string, string> | undefined) ?? {},
    text: typeof record[TEXT] === "string" ? record[TEXT] : "",
    children,
  };
}

export function childrenOf(element: XmlElement, tag: string): readonly XmlElement[] {
  return element.children[tag] ?? [];
}

/** A numeric attribute; undefined when absent or not a number. */
export function numberAttribute(element: XmlElement, name: string): number | undefined {
  const raw = element.attributes[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}
