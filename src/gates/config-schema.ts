/**
 * The gates configuration document: the top level of `tollgate.toml`, the
 * `[tool.tollgate]` table of pyproject.toml or the `"tollgate"` object of
 * package.json. Every key is optional in a file; the resolved configuration
 * has the same shape with every key filled in (see config.ts).
 */
import * as v from "valibot";

export const GATE_NAMES = [
  "fix",
  "format",
  "lint",
  "typecheck",
  "test",
  "coverage",
  "complexity",
  "crap",
  "mutation",
  "deps",
  "arch",
  "audit",
  "acceptance",
] as const;
export type GateName = (typeof GATE_NAMES)[number];

export const PRESET_NAMES = ["baseline", "strict", "legacy"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const STAGE_NAMES = ["check", "ci", "pre-commit", "nightly"] as const;
const CUSTOM_PARSERS = ["exit-code", "junit", "sarif", "lcov", "cobertura"] as const;
/** npm's and pip-audit's severity scale, lowest first. */
export const AUDIT_SEVERITIES = ["low", "moderate", "high", "critical"] as const;

function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, `expected one of ${options.join(", ")}`);
}

const percent = v.pipe(
  v.number("expected a number from 0 to 100"),
  v.minValue(0, "must be at least 0"),
  v.maxValue(100, "must be at most 100"),
);

function count(min: number) {
  return v.pipe(
    v.number("expected an integer"),
    v.integer("expected an integer"),
    v.minValue(min, `must be at least ${min}`),
  );
}

/** A TOML table, a JSON object; unknown keys are errors. */
function table<const T extends v.ObjectEntries>(entries: T) {
  return v.strictObject(entries, "expected a table");
}

const nonEmpty = v.pipe(v.string("expected a string"), v.minLength(1, "must not be empty"));

function uniqueList<T extends v.GenericSchema<unknown, string>>(item: T) {
  return v.pipe(
    v.array(item, "expected an array"),
    v.check((items) => new Set(items).size === items.length, "must not list the same entry twice"),
  );
}

const gateList = uniqueList(oneOf(GATE_NAMES));
const pathList = uniqueList(nonEmpty);

const GateSwitchSchema = table({
  /** false: the gate never runs. */
  enabled: v.optional(v.boolean("expected true or false")),
  /** false: a failing gate is reported as a warning and does not fail the stage. */
  blocking: v.optional(v.boolean("expected true or false")),
});

const builtInNames: ReadonlySet<string> = new Set(GATE_NAMES);

const CustomGateSchema = v.pipe(
  table({
    /** Shown in reports and usable in skip/only; lower-case letters, digits and dashes. */
    name: v.pipe(
      v.string("expected a string"),
      v.regex(/^[a-z][a-z0-9-]{0,63}$/, "must be lower-case letters, digits and dashes, starting with a letter"),
      v.check((name) => !builtInNames.has(name), "must not be the name of a built-in gate"),
    ),
    /** The argv, run without a shell: ["npx", "playwright", "test"], never "npx playwright test". */
    command: v.pipe(
      v.array(nonEmpty, "expected an array of strings (argv), not a shell string"),
      v.minLength(1, "must not be empty"),
    ),
    /** How the verdict is read: the exit code alone, or the report file in one of these formats. */
    parser: oneOf(CUSTOM_PARSERS),
    /** The report file the command writes, relative to the project root; required unless parser is exit-code. */
    report: v.optional(nonEmpty),
    /** The stages that run the gate. */
    stages: v.pipe(uniqueList(oneOf(STAGE_NAMES)), v.minLength(1, "must name at least one stage")),
    /** false: a failure is a warning. */
    blocking: v.optional(v.boolean("expected true or false"), true),
  }),
  v.forward(
    v.check(
      (gate) => gate.parser === "exit-code" || gate.report !== undefined,
      "required unless parser is exit-code: the file the parser reads",
    ),
    ["report"],
  ),
);
export type CustomGate = v.InferOutput<typeof CustomGateSchema>;

const gateSwitches = Object.fromEntries(GATE_NAMES.map((name) => [name, v.optional(GateSwitchSchema)])) as Record<
  GateName,
  v.OptionalSchema<typeof GateSwitchSchema, undefined>
>;

export const ConfigFileSchema = table({
  /** Threshold set the explicit keys below start from. */
  preset: v.optional(oneOf(PRESET_NAMES)),
  /** Run every tool through the sandbox executor (bubblewrap) instead of directly. */
  sandbox: v.optional(v.boolean("expected true or false")),
  /** Gates never run. */
  skip: v.optional(gateList),
  /** When not empty, only these gates run. */
  only: v.optional(gateList),
  paths: v.optional(
    table({
      /** Source folders, relative to the project root; empty: detected. */
      src: v.optional(pathList),
      /** Test folders, relative to the project root; empty: detected. */
      tests: v.optional(pathList),
    }),
  ),
  coverage: v.optional(
    table({
      /** Minimum line coverage, percent. */
      line_min: v.optional(percent),
      /** Minimum branch coverage, percent. */
      branch_min: v.optional(percent),
    }),
  ),
  complexity: v.optional(
    table({
      /** Highest cyclomatic complexity (lizard's CCN) a function may have. */
      ccn_max: v.optional(count(1)),
    }),
  ),
  crap: v.optional(
    table({
      /** Highest CRAP score (CCN^2 x (1 - coverage)^3 + CCN) a function may have. */
      max: v.optional(v.pipe(v.number("expected a number"), v.minValue(1, "must be at least 1"))),
    }),
  ),
  mutation: v.optional(
    table({
      /** Minimum mutation score, percent: killed / (killed + survived + timeout). */
      score_min: v.optional(percent),
      /** Wall-clock budget; when it runs out the score is reported as partial. */
      budget_seconds: v.optional(count(1)),
    }),
  ),
  lint: v.optional(
    table({
      /** Warnings allowed before the lint gate fails (errors always fail it). */
      max_warnings: v.optional(count(0)),
    }),
  ),
  audit: v.optional(
    table({
      /** Lowest severity of a known vulnerability that fails the audit gate. */
      fail_on: v.optional(oneOf(AUDIT_SEVERITIES)),
    }),
  ),
  gates: v.optional(
    table({
      ...gateSwitches,
      /** Project-specific gates: [[gates.custom]] tables. */
      custom: v.optional(
        v.pipe(
          v.array(CustomGateSchema, "expected an array of tables ([[gates.custom]])"),
          v.check(
            (gates) => new Set(gates.map((gate) => gate.name)).size === gates.length,
            "two custom gates have the same name",
          ),
        ),
      ),
    }),
  ),
});
export type ConfigFile = v.InferOutput<typeof ConfigFileSchema>;
