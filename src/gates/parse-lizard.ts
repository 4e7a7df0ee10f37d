/**
 * lizard's per-function complexity, from `lizard --csv` (one row per function:
 * NLOC,CCN,token,PARAM,length,location,file,function,long_name,start,end; a
 * header row with --verbose) or `lizard --xml` (cppncss: NCSS and CCN per
 * function, its start line but no end line). CRAP needs the line range, so
 * it reads the CSV.
 */
import { type Finding, ParseError, type ParseOptions, preview, projectPath } from "./findings.ts";
import { childrenOf, readXml } from "./read-xml.ts";

const TOOL = "lizard";

/** lizard's own default warning threshold (-C 15). */
const LIZARD_DEFAULT_CCN_LIMIT = 15;

export interface FunctionComplexity {
  file: string;
  name: string;
  startLine: number;
  /** Known from the CSV; the XML gives only the start. */
  endLine?: number;
  ccn: number;
  nloc: number;
}

export interface ComplexityReport {
  functions: FunctionComplexity[];
  maxCcn: number;
  /** Functions whose CCN is above the limit. */
  findings: Finding[];
}

export interface LizardOptions extends ParseOptions {
  ccnLimit?: number;
}

export function parseLizardCsv(text: string, options: LizardOptions): ComplexityReport {
  const rows = text.split("\n").filter((line) => line.trim() !== "" && !line.startsWith("NLOC,CCN,"));
  const functions = rows.map((row, index) => {
    const fields = csvFields(row);
    const [nloc, ccn, , , , , file, name, , start, end] = fields;
    const numbers = [nloc, ccn, start, end].map(Number);
    if (fields.length < 11 || numbers.some((value) => !Number.isInteger(value) || value < 0)) {
      throw new ParseError(TOOL, `row ${index + 1}: expected lizard's 11 CSV columns, got ${preview(row)}`);
    }
    const [nlocValue, ccnValue, startLine, endLine] = numbers as [number, number, number, number];
    return {
      file: projectPath(file as string, options.root),
      name: name as string,
      startLine,
      endLine,
      ccn: ccnValue,
      nloc: nlocValue,
    };
  });
  return complexityReport(functions, options);
}

/** Splits one CSV row; lizard quotes text fields (and turns `"` inside them into `'`). */
function csvFields(row: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 0; index < row.length; index++) {
    const char = row[index];
    if (quoted && char === '"' && row[index + 1] === '"') {
      field += '"';
      index++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (char === "," && !quoted) {
      fields.push(field);
      field = "";
    } else if (char !== "\r" || quoted) {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

/** `name(...) at file:line`, or with --verbose `long_name at file:line`. */
const XML_ITEM = /^(.*) at (.*):(\d+)$/;

export function parseLizardXml(text: string, options: LizardOptions): ComplexityReport {
  const root = readXml(TOOL, text, ["cppncss"]);
  const measure = childrenOf(root, "measure").find((element) => element.attributes.type === "Function");
  if (!measure) throw new ParseError(TOOL, 'expected a <measure type="Function"> in the cppncss report');
  const functions = childrenOf(measure, "item").map((item) => {
    const match = XML_ITEM.exec(item.attributes.name ?? "");
    const [, ncss, ccn] = childrenOf(item, "value").map((value) => Number(value.text));
    if (!match || ncss === undefined || ccn === undefined || Number.isNaN(ncss + ccn)) {
      throw new ParseError(
        TOOL,
        `expected "<function> at <file>:<line>" with NCSS and CCN values, got ${preview(item.attributes.name ?? "")}`,
      );
    }
    const label = match[1] as string;
    return {
      file: projectPath(match[2] as string, options.root),
      name: label.slice(0, label.indexOf("(") === -1 ? undefined : label.indexOf("(")).trim(),
      startLine: Number(match[3]),
      ccn,
      nloc: ncss,
    };
  });
  return complexityReport(functions, options);
}

function complexityReport(functions: FunctionComplexity[], options: LizardOptions): ComplexityReport {
  const limit = options.ccnLimit ?? LIZARD_DEFAULT_CCN_LIMIT;
  return {
    functions,
    maxCcn: Math.max(0, ...functions.map((item) => item.ccn)),
    findings: functions
      .filter((item) => item.ccn > limit)
      .map((item) => ({
        file: item.file,
        line: item.startLine,
        rule: "ccn",
        message: `${item.name} has cyclomatic complexity ${item.ccn} (limit ${limit})`,
        severity: "warning" as const,
        tool: TOOL,
      })),
  };
}
