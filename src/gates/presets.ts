/**
 * The three threshold sets a project starts from; explicit keys in its config
 * (and flags) override single values.
 */
import type { GatesConfig } from "./config.ts";
import type { PresetName } from "./config-schema.ts";

type Thresholds = Pick<GatesConfig, "coverage" | "complexity" | "crap" | "audit"> & {
  mutation: Pick<GatesConfig["mutation"], "score_min">;
};

export interface Preset {
  rationale: string;
  values: Thresholds & { gates?: Partial<Record<keyof GatesConfig["gates"], { blocking: boolean }>> };
}

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  baseline: {
    rationale: "what a typical healthy project already meets",
    values: {
      coverage: { line_min: 80, branch_min: 70 },
      complexity: { ccn_max: 15 },
      crap: { max: 30 },
      mutation: { score_min: 60 },
      audit: { fail_on: "high" },
    },
  },
  strict: {
    rationale: "for new code, written with tests from the start",
    values: {
      coverage: { line_min: 90, branch_min: 85 },
      complexity: { ccn_max: 10 },
      crap: { max: 15 },
      mutation: { score_min: 80 },
      audit: { fail_on: "moderate" },
    },
  },
  legacy: {
    rationale: "for inherited code: measured and reported, warnings rather than failures",
    values: {
      coverage: { line_min: 50, branch_min: 30 },
      complexity: { ccn_max: 25 },
      crap: { max: 60 },
      mutation: { score_min: 30 },
      audit: { fail_on: "critical" },
      gates: {
        coverage: { blocking: false },
        complexity: { blocking: false },
        crap: { blocking: false },
        mutation: { blocking: false },
      },
    },
  },
};
