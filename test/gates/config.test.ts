import { describe, expect, test } from "bun:test";
import { type FlagOverride, loadConfig, type ResolvedConfig } from "../../src/gates/config.ts";
import { PRESET_NAMES } from "../../src/gates/config-schema.ts";
import { MAX_CONFIG_BYTES, projectFiles } from "../../src/gates/config-sources.ts";
import { PRESETS } from "../../src/gates/presets.ts";
import { userErrorFrom } from "../helpers.ts";
import { project } from "./config-helpers.ts";

function load(files: Record<string, string>, flags: FlagOverride[] = []): ResolvedConfig {
  return loadConfig(projectFiles(project(files)), flags);
}

function sourceOf(resolved: ResolvedConfig, key: string): string | undefined {
  return resolved.values.find((item) => item.key === key)?.source;
}

describe("config sources", () => {
  test("tollgate.toml at the project root", () => {
    const resolved = load({ "tollgate.toml": "[coverage]\nline_min = 91.5\n" });
    expect(resolved.file).toBe("tollgate.toml");
    expect(resolved.config.coverage.line_min).toBe(91.5);
    expect(sourceOf(resolved, "coverage.line_min")).toBe("tollgate.toml");
  });

  test("[tool.tollgate] in pyproject.toml", () => {
    const resolved = load({
      "pyproject.toml":
        '[project]\nname = "demo"\n\n[tool.tollgate]\npreset = "strict"\n\n[tool.tollgate.complexity]\nccn_max = 8\n',
    });
    expect(resolved.file).toBe("pyproject.toml");
    expect(resolved.config.preset).toBe("strict");
    expect(resolved.config.complexity.ccn_max).toBe(8);
    expect(sourceOf(resolved, "complexity.ccn_max")).toBe("pyproject.toml [tool.tollgate]");
  });

  test('"tollgate" in package.json', () => {
    const resolved = load({
      "package.json": JSON.stringify({ name: "demo", tollgate: { sandbox: true, skip: ["mutation"] } }),
    });
    expect(resolved.file).toBe("package.json");
    expect(resolved.config.sandbox).toBe(true);
    expect(resolved.config.skip).toEqual(["mutation"]);
    expect(sourceOf(resolved, "skip")).toBe('package.json "tollgate"');
  });

  test("pyproject.toml and package.json without tollgate's key are not config", () => {
    const resolved = load({ "pyproject.toml": "[tool.ruff]\nline-length = 100\n", "package.json": '{"name":"demo"}' });
    expect(resolved.file).toBeUndefined();
    expect(resolved.values.every((item) => item.source === "default" || item.source === "preset baseline")).toBe(true);
  });

  test("config in two places is an error naming both", () => {
    const error = userErrorFrom(() =>
      load({ "tollgate.toml": 'preset = "strict"\n', "package.json": '{"tollgate":{"preset":"legacy"}}' }),
    );
    expect(error.code).toBe("CONFIG_CONFLICT");
    expect(error.message).toContain('tollgate.toml and package.json "tollgate"');
    const again = userErrorFrom(() =>
      load({ "tollgate.toml": "", "pyproject.toml": "[tool.tollgate]\nsandbox = true\n" }),
    );
    expect(again.message).toContain("tollgate.toml and pyproject.toml [tool.tollgate]");
  });
});

describe("precedence: flag > project config > preset > default", () => {
  const files = { "tollgate.toml": 'preset = "strict"\n[coverage]\nline_min = 95\n' };

  test("each layer wins over the ones below it, and says so", () => {
    const resolved = load(files, [{ flag: "--coverage-min", values: { coverage: { line_min: 99 } } }]);
    expect(resolved.config.coverage.line_min).toBe(99);
    expect(sourceOf(resolved, "coverage.line_min")).toBe("flag --coverage-min");
    expect(resolved.config.coverage.branch_min).toBe(PRESETS.strict.values.coverage.branch_min);
    expect(sourceOf(resolved, "coverage.branch_min")).toBe("preset strict");
    expect(resolved.config.mutation.budget_seconds).toBe(600);
    expect(sourceOf(resolved, "mutation.budget_seconds")).toBe("default");
    expect(sourceOf(resolved, "preset")).toBe("tollgate.toml");
  });

  test("without a flag the file's value holds", () => {
    const resolved = load(files);
    expect(resolved.config.coverage.line_min).toBe(95);
    expect(sourceOf(resolved, "coverage.line_min")).toBe("tollgate.toml");
  });

  test("a --preset flag replaces the file's preset but not the file's explicit keys", () => {
    const resolved = load(files, [{ flag: "--preset", values: { preset: "legacy" } }]);
    expect(resolved.config.preset).toBe("legacy");
    expect(sourceOf(resolved, "preset")).toBe("flag --preset");
    expect(resolved.config.coverage.line_min).toBe(95);
    expect(resolved.config.complexity.ccn_max).toBe(PRESETS.legacy.values.complexity.ccn_max);
    expect(sourceOf(resolved, "complexity.ccn_max")).toBe("preset legacy");
  });

  test("with no config at all the preset is baseline, by default", () => {
    const resolved = load({});
    expect(resolved.config.preset).toBe("baseline");
    expect(sourceOf(resolved, "preset")).toBe("default");
    expect(sourceOf(resolved, "crap.max")).toBe("preset baseline");
    expect(sourceOf(resolved, "gates.lint.enabled")).toBe("default");
  });

  test("every leaf is listed once, tables flattened into dotted keys and arrays kept whole", () => {
    const resolved = load({
      "tollgate.toml":
        '[[gates.custom]]\nname = "e2e"\ncommand = ["npx", "playwright", "test"]\nparser = "junit"\nreport = "junit.xml"\nstages = ["ci"]\n',
    });
    const keys = resolved.values.map((item) => item.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain("gates.typecheck.blocking");
    expect(resolved.values.find((item) => item.key === "gates.custom")).toEqual({
      key: "gates.custom",
      value: [
        {
          name: "e2e",
          command: ["npx", "playwright", "test"],
          parser: "junit",
          report: "junit.xml",
          stages: ["ci"],
          blocking: true,
        },
      ],
      source: "tollgate.toml",
    });
  });
});

describe("presets", () => {
  test.each(PRESET_NAMES.map((name) => [name]))("%s sets every threshold it defines", (name) => {
    const resolved = load({ "tollgate.toml": `preset = "${name}"\n` });
    const preset = PRESETS[name].values;
    expect(resolved.config.coverage).toEqual(preset.coverage);
    expect(resolved.config.complexity).toEqual(preset.complexity);
    expect(resolved.config.crap).toEqual(preset.crap);
    expect(resolved.config.mutation.score_min).toBe(preset.mutation.score_min);
    expect(resolved.config.audit).toEqual(preset.audit);
    expect(sourceOf(resolved, "coverage.line_min")).toBe(`preset ${name}`);
  });

  test("strict is stricter than baseline, which is stricter than legacy", () => {
    const [baseline, strict, legacy] = [PRESETS.baseline.values, PRESETS.strict.values, PRESETS.legacy.values];
    expect(strict.coverage.line_min).toBeGreaterThan(baseline.coverage.line_min);
    expect(baseline.coverage.line_min).toBeGreaterThan(legacy.coverage.line_min);
    expect(strict.complexity.ccn_max).toBeLessThan(baseline.complexity.ccn_max);
    expect(baseline.complexity.ccn_max).toBeLessThan(legacy.complexity.ccn_max);
    expect(strict.crap.max).toBeLessThan(baseline.crap.max);
    expect(strict.mutation.score_min).toBeGreaterThan(baseline.mutation.score_min);
  });

  test("legacy turns threshold failures into warnings; baseline and strict keep them blocking", () => {
    const legacy = load({ "tollgate.toml": 'preset = "legacy"\n' });
    for (const gate of ["coverage", "complexity", "crap", "mutation"] as const) {
      expect(legacy.config.gates[gate].blocking).toBe(false);
      expect(sourceOf(legacy, `gates.${gate}.blocking`)).toBe("preset legacy");
    }
    expect(legacy.config.gates.typecheck.blocking).toBe(true);
    expect(load({ "tollgate.toml": 'preset = "strict"\n' }).config.gates.coverage.blocking).toBe(true);
  });

  test("a project can make a legacy gate blocking again", () => {
    const resolved = load({ "tollgate.toml": 'preset = "legacy"\n[gates.coverage]\nblocking = true\n' });
    expect(resolved.config.gates.coverage.blocking).toBe(true);
    expect(sourceOf(resolved, "gates.coverage.blocking")).toBe("tollgate.toml");
  });
});

describe("strict validation", () => {
  test("an unknown key names the file and the key, with a did-you-mean", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": "[coverage]\nline_mn = 80\n" }));
    expect(error.code).toBe("INVALID_CONFIG");
    expect(error.message).toBe("tollgate.toml: coverage.line_mn: unknown key (did you mean coverage.line_min?)");
  });

  test("key paths in pyproject.toml and package.json are the paths written there", () => {
    const py = userErrorFrom(() => load({ "pyproject.toml": "[tool.tollgate]\nsandbx = true\n" }));
    expect(py.message).toBe(
      "pyproject.toml [tool.tollgate]: tool.tollgate.sandbx: unknown key (did you mean tool.tollgate.sandbox?)",
    );
    const pkg = userErrorFrom(() => load({ "package.json": '{"tollgate":{"gates":{"lint":{"blockng":false}}}}' }));
    expect(pkg.message).toBe(
      'package.json "tollgate": tollgate.gates.lint.blockng: unknown key (did you mean tollgate.gates.lint.blocking?)',
    );
  });

  test("a key far from every known key gets no guess", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": "colour = true\n" }));
    expect(error.message).toBe("tollgate.toml: colour: unknown key");
  });

  test("a wrong type is an error, never coerced", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": '[coverage]\nline_min = "80"\n[crap]\nmax = 0\n' }));
    expect(error.message).toContain('tollgate.toml: coverage.line_min: expected a number from 0 to 100, got "80"');
    expect(error.message).toContain("tollgate.toml: crap.max: must be at least 1");
    const notTable = userErrorFrom(() => load({ "package.json": '{"tollgate": {"coverage": 80}}' }));
    expect(notTable.message).toBe('package.json "tollgate": tollgate.coverage: expected a table, got 80');
    const notObject = userErrorFrom(() => load({ "package.json": '{"tollgate": "strict"}' }));
    expect(notObject.message).toBe('package.json "tollgate": tollgate: expected a table, got "strict"');
  });

  test("an unknown preset or gate name is named, with a did-you-mean", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": 'preset = "strcit"\nskip = ["mutaton"]\n' }));
    expect(error.message).toContain(
      'tollgate.toml: preset: expected one of baseline, strict, legacy, got "strcit" (did you mean strict?)',
    );
    expect(error.message).toContain("skip[0]: expected one of fix, format, lint");
    expect(error.message).toContain('got "mutaton" (did you mean mutation?)');
  });

  test("a custom gate's command must be an argv array, and its report is required unless the parser is exit-code", () => {
    const error = userErrorFrom(() =>
      load({
        "tollgate.toml":
          '[[gates.custom]]\nname = "e2e"\ncommand = "npx playwright test"\nparser = "junit"\nstages = ["ci"]\n' +
          '[[gates.custom]]\nname = "docs"\ncommand = ["make", "docs"]\nparser = "sarif"\nstages = ["ci"]\n',
      }),
    );
    expect(error.message).toContain(
      "tollgate.toml: gates.custom[0].command: expected an array of strings (argv), not a shell string",
    );
    expect(error.message).toContain(
      "tollgate.toml: gates.custom[1].report: required unless parser is exit-code: the file the parser reads",
    );
    const exitCodeOnly = load({
      "tollgate.toml":
        '[[gates.custom]]\nname = "docs"\ncommand = ["make", "docs"]\nparser = "exit-code"\nstages = ["ci"]\n',
    });
    expect(exitCodeOnly.config.gates.custom[0]?.report).toBeUndefined();
  });

  test("a custom gate may not take a built-in gate's name", () => {
    const error = userErrorFrom(() =>
      load({
        "tollgate.toml": '[[gates.custom]]\nname = "lint"\ncommand = ["x"]\nparser = "exit-code"\nstages = ["ci"]\n',
      }),
    );
    expect(error.message).toContain("gates.custom[0].name: must not be the name of a built-in gate");
  });

  test("a flag's value is validated like a file's and named by its flag", () => {
    const error = userErrorFrom(() => load({}, [{ flag: "--coverage-min", values: { coverage: { line_min: 120 } } }]));
    expect(error.message).toBe("flag --coverage-min: coverage.line_min: must be at most 100");
  });

  test("a file larger than 256 KiB is refused before it is parsed", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": `# ${"x".repeat(MAX_CONFIG_BYTES)}\n` }));
    expect(error.code).toBe("FILE_TOO_LARGE");
    expect(error.message).toContain("tollgate.toml");
    expect(error.message).toContain(`the limit is ${MAX_CONFIG_BYTES} bytes`);
  });

  test("malformed TOML is named with its line and column", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": 'preset = "strict"\n[coverage]\nline_min = \n' }));
    expect(error.code).toBe("INVALID_TOML");
    expect(error.message).toBe("tollgate.toml: invalid TOML at line 3, column 12: invalid value");
  });

  test("a duplicate TOML key is an error, not a silent last-one-wins", () => {
    const error = userErrorFrom(() => load({ "tollgate.toml": "[coverage]\nline_min = 80\nline_min = 50\n" }));
    expect(error.code).toBe("INVALID_TOML");
    expect(error.message).toStartWith("tollgate.toml: invalid TOML at line 3, column 1:");
    const table = userErrorFrom(() => load({ "pyproject.toml": "[tool.tollgate]\nsandbox = true\n[tool.tollgate]\n" }));
    expect(table.message).toStartWith("pyproject.toml: invalid TOML at line 3,");
  });

  test("malformed JSON and a duplicate JSON key in package.json are named with their position", () => {
    const broken = userErrorFrom(() => load({ "package.json": '{"tollgate": {"preset": }}' }));
    expect(broken.message).toStartWith("package.json: invalid JSON at line 1, column 25");
    const duplicate = userErrorFrom(() =>
      load({ "package.json": '{"tollgate": {}, "tollgate": {"preset": "strict"}}' }),
    );
    expect(duplicate.message).toContain("package.json");
    expect(duplicate.message).toContain("tollgate");
  });
});
