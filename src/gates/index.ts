/**
 * The gates module's tool-output layer: parsers from each tool's real output
 * to findings and numbers, the coverage model, CRAP and the mutation score.
 */

export { type GatesCheckOptions, gatesChecks } from "./checks.ts";
export {
  DEFAULTS,
  type FlagOverride,
  type GatesConfig,
  loadConfig,
  type ResolvedConfig,
  type ResolvedValue,
  resolveConfig,
} from "./config.ts";
export {
  type ConfigFile,
  type CustomGate,
  GATE_NAMES,
  type GateName,
  PRESET_NAMES,
  type PresetName,
} from "./config-schema.ts";
export {
  type ConfigSource,
  findConfigSource,
  MAX_CONFIG_BYTES,
  type ProjectFiles,
  projectFiles,
} from "./config-sources.ts";
export {
  type CoverageReport,
  coverageReport,
  type FileCoverage,
  type FunctionCoverage,
  type LineHits,
  type Ratio,
  rangeCoverage,
} from "./coverage.ts";
export { type CrapEntry, type CrapReport, computeCrap, crapScore } from "./crap.ts";
export {
  type Detection,
  detectProject,
  GROUP_FOLDERS,
  type JsProject,
  type JsTestRunner,
  type Linter,
  type PackageManager,
  type Project,
  type PythonInvoker,
  type PythonProject,
  type PythonTestRunner,
  type Sourced,
} from "./detect.ts";
export { diskFs, type FsView, memoryFs } from "./detect-fs.ts";
export {
  type CoveragePyOutcome,
  coveragePyOutcome,
  exitCodeVerdict,
  type PytestOutcome,
  pytestOutcome,
} from "./exit-codes.ts";
export { type Finding, ParseError, type ParseOptions, projectPath, type Severity } from "./findings.ts";
export { type MutationCounts, type MutationOptions, type MutationReport, mutationScore } from "./mutation.ts";
export { type AuditReport, parseNpmAudit, parsePipAudit, parsePnpmAudit, parseYarnAudit } from "./parse-audit.ts";
export { type BiomeReport, parseBiome } from "./parse-biome.ts";
export { type CoberturaOptions, parseCobertura } from "./parse-cobertura.ts";
export { type CoveragePyReport, parseCoveragePyJson } from "./parse-coverage-json.ts";
export { type DependencyCruiserReport, parseDependencyCruiser } from "./parse-dependency-cruiser.ts";
export { type DeptryReport, parseDeptry } from "./parse-deptry.ts";
export { type EslintReport, parseEslint } from "./parse-eslint.ts";
export { type ImportLinterReport, parseImportLinter } from "./parse-import-linter.ts";
export { parseJestJson } from "./parse-jest-json.ts";
export { type JUnitOptions, parseJUnit } from "./parse-junit.ts";
export { type KnipReport, parseKnip } from "./parse-knip.ts";
export { parseLcov } from "./parse-lcov.ts";
export {
  type ComplexityReport,
  type FunctionComplexity,
  LIZARD_DEFAULT_CCN_LIMIT,
  type LizardOptions,
  parseLizardCsv,
  parseLizardXml,
} from "./parse-lizard.ts";
export { type MutmutMetaFile, parseMutmutMeta, parseMutmutResults } from "./parse-mutmut.ts";
export { type OxlintReport, parseOxlint } from "./parse-oxlint.ts";
export { type PyrightReport, parsePyright } from "./parse-pyright.ts";
export { parseRuffCheck, parseRuffFormatCheck, type RuffCheckReport, type RuffFormatReport } from "./parse-ruff.ts";
export { parseSarif, type SarifReport } from "./parse-sarif.ts";
export { parseStrykerReport } from "./parse-stryker.ts";
export { parseTsc, type TscReport } from "./parse-tsc.ts";
export { parseUnittest, type UnittestReport } from "./parse-unittest.ts";
export { PRESETS, type Preset } from "./presets.ts";
export { type ProbeRunner, probeTools, realRunner, type ToolProbe, type ToolStatus } from "./probe.ts";
export type { TestCaseResult, TestOutcome, TestRunReport } from "./test-run.ts";
export {
  type ConfiguredTool,
  TOOL_CONFIGS,
  type ToolConfigPlace,
  type ToolConfigStatus,
  toolConfigStatus,
} from "./tool-configs.ts";
export { CI_GATES, type Gate, installCommand, parseVersion, TOOLS, type ToolSpec } from "./tools.ts";
