/**
 * What each stage runs. Fixers that write files run first, one at a time;
 * every other gate runs in parallel after them, reading the fixed files.
 */
import type { GateName } from "./config-schema.ts";
import type { Stage } from "./result.ts";

export interface StageSpec {
  /** Fixers run in order before everything else (they write files). */
  fixers: GateName[];
  /** Gates run in parallel after the fixers. */
  gates: GateName[];
  /** Fixers write files; otherwise format is checked and nothing in the project is modified. */
  write: boolean;
  /** Gates that never fail this stage (a failure is a warning). */
  advisory: GateName[];
  /** Gates read only from cached steps: they never start a slow tool in this stage. */
  cacheOnly: GateName[];
  /** A blocking gate whose tool is missing fails the stage (it only warns elsewhere). */
  missingFails: boolean;
  /** File-level gates check these files: staged, changed since HEAD, or the whole project. */
  scope: "project" | "staged" | "uncommitted";
  /** The stage never fails (post-edit: advice to an agent, not a gate). */
  alwaysPasses: boolean;
}

const CI_GATES: GateName[] = ["format", "lint", "typecheck", "test", "coverage", "complexity", "crap", "deps", "arch"];

const base = {
  fixers: [],
  gates: [],
  write: false,
  advisory: [],
  cacheOnly: [],
  missingFails: false,
  scope: "project",
  alwaysPasses: false,
} satisfies StageSpec;

export const STAGE_SPECS: Readonly<Record<Exclude<Stage, "gate">, StageSpec>> = {
  check: {
    ...base,
    fixers: ["fix", "format"],
    gates: ["lint", "typecheck", "test", "deps", "crap"],
    write: true,
    advisory: ["deps", "crap"],
    cacheOnly: ["crap"],
  },
  ci: { ...base, gates: CI_GATES, missingFails: true },
  "pre-commit": { ...base, fixers: ["fix", "format"], gates: ["lint"], write: true, scope: "staged" },
  nightly: { ...base, gates: [...CI_GATES, "audit", "mutation"], missingFails: true },
  "post-edit": {
    ...base,
    fixers: ["fix", "format"],
    write: true,
    advisory: ["fix", "format"],
    scope: "uncommitted",
    alwaysPasses: true,
  },
};

/** `tollgate gate NAME`: that gate alone, checked as ci checks it (nothing written, except by fix). */
export function singleGateSpec(gate: GateName): StageSpec {
  const writes = gate === "fix";
  return {
    ...base,
    fixers: writes ? [gate] : [],
    gates: writes ? [] : [gate],
    write: writes,
    missingFails: true,
  };
}
