/** The config flags every gates command accepts; each overrides one key of the project's config. */
import type { ArgsDef } from "citty";
import type { FlagOverride } from "./config.ts";

export const configFlagArgs = {
  preset: { type: "string", description: "Threshold preset: baseline, strict or legacy (preset)" },
  "coverage-min": { type: "string", description: "Minimum line coverage, percent (coverage.line_min)" },
  skip: { type: "string", description: "Gates not to run, comma-separated (skip)" },
  only: { type: "string", description: "Run only these gates, comma-separated (only)" },
  sandbox: { type: "boolean", description: "Run tools through the sandbox executor (sandbox)" },
} as const satisfies ArgsDef;

export interface ConfigFlags {
  preset?: string;
  "coverage-min"?: string;
  skip?: string;
  only?: string;
  sandbox?: boolean;
}

/** Flag strings become config values; a value of the wrong kind is left as it is, for the schema to name. */
export function flagOverrides(flags: ConfigFlags): FlagOverride[] {
  const list = (value: string) => value.split(",").map((item) => item.trim());
  const number = (value: string) => (/^\d+(?:\.\d+)?$/.test(value) ? Number(value) : value);
  const overrides: FlagOverride[] = [];
  if (flags.preset !== undefined) overrides.push({ flag: "--preset", values: { preset: flags.preset } });
  if (flags["coverage-min"] !== undefined) {
    overrides.push({ flag: "--coverage-min", values: { coverage: { line_min: number(flags["coverage-min"]) } } });
  }
  if (flags.skip !== undefined) overrides.push({ flag: "--skip", values: { skip: list(flags.skip) } });
  if (flags.only !== undefined) overrides.push({ flag: "--only", values: { only: list(flags.only) } });
  if (flags.sandbox !== undefined) overrides.push({ flag: "--sandbox", values: { sandbox: flags.sandbox } });
  return overrides;
}
