/**
 * The resolved gates configuration: defaults, then the preset, then the
 * project's config file, then flags; every value remembers which of them set it.
 */
import * as v from "valibot";
import { UserError } from "../core/index.ts";
import { type ConfigFile, ConfigFileSchema, GATE_NAMES, type GateName } from "./config-schema.ts";
import { type ConfigSource, findConfigSource, type ProjectFiles } from "./config-sources.ts";
import { PRESETS } from "./presets.ts";

/** Every key of the file, filled in; arrays are single values, not merged. */
type Filled<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { -readonly [K in keyof T]-?: Filled<NonNullable<T[K]>> }
    : T;
export type GatesConfig = Filled<ConfigFile>;

const BASELINE = PRESETS.baseline.values;

/** The lowest layer. Thresholds are the baseline preset's, though a preset layer always sets them. */
export const DEFAULTS: GatesConfig = {
  preset: "baseline",
  sandbox: false,
  skip: [],
  only: [],
  paths: { src: [], tests: [] },
  coverage: { ...BASELINE.coverage },
  complexity: { ...BASELINE.complexity },
  crap: { ...BASELINE.crap },
  mutation: { ...BASELINE.mutation, budget_seconds: 600 },
  lint: { max_warnings: 0 },
  audit: { ...BASELINE.audit },
  gates: {
    ...(Object.fromEntries(GATE_NAMES.map((name) => [name, { enabled: true, blocking: true }])) as Record<
      GateName,
      { enabled: boolean; blocking: boolean }
    >),
    custom: [],
  },
};

/** A flag's contribution: `{ flag: "--coverage-min", values: { coverage: { line_min: 90 } } }`. */
export interface FlagOverride {
  flag: string;
  values: Record<string, unknown>;
}

export interface ResolvedValue {
  /** Dotted key path, as written in tollgate.toml: `coverage.line_min`. */
  key: string;
  value: unknown;
  /** `flag --coverage-min`, `tollgate.toml`, `pyproject.toml [tool.tollgate]`, `preset strict`, `default`. */
  source: string;
}

export interface ResolvedConfig {
  config: GatesConfig;
  /** Every leaf of `config`, in document order, with its source. */
  values: ResolvedValue[];
  /** The project's config file, when there is one. */
  file: string | undefined;
}

/** Whether `gate` runs under this config: enabled, not skipped, and named by `only` when that is set. */
export function gateWanted(config: GatesConfig, gate: GateName): boolean {
  return (
    config.gates[gate].enabled &&
    !config.skip.includes(gate) &&
    (config.only.length === 0 || config.only.includes(gate))
  );
}

export function loadConfig(files: ProjectFiles, flags: readonly FlagOverride[] = []): ResolvedConfig {
  return resolveConfig(findConfigSource(files), flags);
}

function resolveConfig(source: ConfigSource | undefined, flags: readonly FlagOverride[] = []): ResolvedConfig {
  const fileValues = source === undefined ? {} : validateConfig(source.document, source.label, source.keyPrefix);
  const flagLayers = flags.map(({ flag, values }) => ({
    source: `flag ${flag}`,
    values: validateConfig(values, `flag ${flag}`, ""),
  }));
  const preset =
    [...flagLayers].reverse().find((layer) => layer.values.preset)?.values.preset ??
    fileValues.preset ??
    DEFAULTS.preset;
  const layers = [
    { source: `preset ${preset}`, values: PRESETS[preset].values },
    ...(source === undefined ? [] : [{ source: source.label, values: fileValues }]),
    ...flagLayers,
  ];
  const config = structuredClone(DEFAULTS);
  const sources = new Map<string, string>();
  for (const layer of layers) overlay(config, layer.values, layer.source, sources, "");
  return { config, values: leaves(config, sources, ""), file: source?.file };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function overlay(
  target: Record<string, unknown>,
  values: Record<string, unknown>,
  source: string,
  sources: Map<string, string>,
  prefix: string,
): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const path = `${prefix}${key}`;
    const current = target[key];
    if (isTable(current) && isTable(value)) overlay(current, value, source, sources, `${path}.`);
    else {
      target[key] = value;
      sources.set(path, source);
    }
  }
}

function leaves(config: Record<string, unknown>, sources: Map<string, string>, prefix: string): ResolvedValue[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const path = `${prefix}${key}`;
    return isTable(value)
      ? leaves(value, sources, `${path}.`)
      : [{ key: path, value, source: sources.get(path) ?? "default" }];
  });
}

/**
 * Validates one config document; a UserError lists every problem as
 * `LABEL: KEY.PATH: problem`, with a did-you-mean for a misspelt key or value.
 */
function validateConfig(input: unknown, label: string, keyPrefix: string): ConfigFile {
  const result = v.safeParse(ConfigFileSchema, input);
  if (result.success) return result.output;
  const problems = result.issues.slice(0, 20).map((issue) => {
    const path = (issue.path ?? []).map((item) => item.key as string | number);
    const where = keyPath(path, keyPrefix) || "(top level)";
    return `${label}: ${where}: ${describe(issue, path, keyPrefix)}`;
  });
  throw new UserError("INVALID_CONFIG", problems.join("\n"));
}

function describe(issue: v.BaseIssue<unknown>, path: (string | number)[], keyPrefix: string): string {
  if (issue.type === "strict_object" && issue.expected === "never") {
    const key = String(path.at(-1));
    const parent = path.slice(0, -1);
    const match = closest(key, Object.keys(schemaAt(parent)?.entries ?? {}));
    return match === undefined
      ? "unknown key"
      : `unknown key (did you mean ${keyPath([...parent, match], keyPrefix)}?)`;
  }
  if (issue.type === "picklist" && typeof issue.input === "string") {
    const match = closest(issue.input, schemaAt(path)?.options ?? []);
    return `${issue.message}, got ${issue.received}${match === undefined ? "" : ` (did you mean ${match}?)`}`;
  }
  if (issue.kind !== "schema") return issue.message;
  return `${issue.message}, got ${issue.received}`;
}

/** `tool.tollgate.gates.custom[0].name` from ["gates", "custom", 0, "name"] and the prefix "tool.tollgate.". */
function keyPath(path: readonly (string | number)[], prefix: string): string {
  const joined = path.map((key) => (typeof key === "number" ? `[${key}]` : `.${key}`)).join("");
  return `${prefix}${joined.replace(/^\./, "")}`.replace(/\.$/, "");
}

interface SchemaNode {
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  wrapped?: SchemaNode;
  options?: string[];
}

/** The schema that validates the value at `path` (optional wrappers removed). */
function schemaAt(path: readonly (string | number)[]): SchemaNode | undefined {
  const unwrap = (node: SchemaNode | undefined) => (node?.wrapped === undefined ? node : node.wrapped);
  let node = unwrap(ConfigFileSchema as unknown as SchemaNode);
  for (const key of path) node = unwrap(typeof key === "number" ? node?.item : node?.entries?.[key]);
  return node;
}

/** The candidate nearest to `word` by edit distance, when near enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance where swapping two neighbours ("lnit" for "lint") is one edit, not two. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}
