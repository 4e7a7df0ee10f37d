/**
 * Cobertura XML, as `coverage xml` (coverage.py) and JS reporters write it:
 * <coverage><sources><source/></sources><packages><package><classes><class
 * filename=...><methods/><lines><line number hits branch condition-coverage/>.
 * A class's filename is relative to the first <source>; several classes of
 * one file (Java inner classes) merge into one file.
 */
import {
  type CoverageReport,
  coverageReport,
  type FileCoverage,
  type FunctionCoverage,
  mergeLines,
} from "./coverage.ts";
import { type ParseOptions, projectPath } from "./findings.ts";
import { childrenOf, numberAttribute, readXml, type XmlElement } from "./read-xml.ts";

export interface CoberturaOptions extends ParseOptions {
  /** The tool that wrote the report (coverage.py, istanbul...): named in errors. */
  tool?: string;
}

export function parseCobertura(text: string, options: CoberturaOptions): CoverageReport {
  const root = readXml(options.tool ?? "cobertura", text, ["coverage"]);
  const source = childrenOf(root, "sources")
    .flatMap((sources) => childrenOf(sources, "source"))
    .map((element) => element.text.trim())
    .find((path) => path !== "");
  const byFile = new Map<string, XmlElement[]>();
  for (const element of childrenOf(root, "packages").flatMap((packages) => childrenOf(packages, "package"))) {
    for (const item of childrenOf(element, "classes").flatMap((classes) => childrenOf(classes, "class"))) {
      const file = projectPath(located(item.attributes.filename ?? "", source), options.root);
      byFile.set(file, [...(byFile.get(file) ?? []), item]);
    }
  }
  return coverageReport([...byFile].map(([file, classes]) => fileCoverage(file, classes)));
}

function located(filename: string, source: string | undefined): string {
  if (source === undefined || filename.startsWith("/") || /^[A-Za-z]:[\\/]/.test(filename)) return filename;
  return `${source.replace(/[\\/]+$/, "")}/${filename}`;
}

function fileCoverage(file: string, classes: XmlElement[]): FileCoverage {
  const lineElements = classes.flatMap((item) => lineElementsOf(item));
  const coverage: FileCoverage = {
    file,
    lines: mergeLines(lineElements.flatMap(lineHits)),
    functions: classes.flatMap((item) =>
      childrenOf(item, "methods").flatMap((methods) => childrenOf(methods, "method").flatMap(method)),
    ),
  };
  const conditions = lineElements.flatMap((line) => {
    const match = /\((\d+)\/(\d+)\)/.exec(line.attributes["condition-coverage"] ?? "");
    return match ? [{ covered: Number(match[1]), total: Number(match[2]) }] : [];
  });
  if (conditions.length > 0) {
    coverage.branches = {
      covered: conditions.reduce((sum, item) => sum + item.covered, 0),
      total: conditions.reduce((sum, item) => sum + item.total, 0),
    };
  }
  return coverage;
}

function lineElementsOf(element: XmlElement): readonly XmlElement[] {
  return childrenOf(element, "lines").flatMap((lines) => childrenOf(lines, "line"));
}

function lineHits(element: XmlElement): { line: number; hits: number }[] {
  const line = numberAttribute(element, "number");
  const hits = numberAttribute(element, "hits");
  return line === undefined || hits === undefined ? [] : [{ line, hits }];
}

/** A method spans its lines; its hits are those of its first line. */
function method(element: XmlElement): FunctionCoverage[] {
  const lines = lineElementsOf(element).flatMap(lineHits);
  const first = lines[0];
  if (!first) return [];
  return [
    {
      name: element.attributes.name ?? "",
      line: Math.min(...lines.map((item) => item.line)),
      endLine: Math.max(...lines.map((item) => item.line)),
      hits: first.hits,
    },
  ];
}
