import type { ResourceLimits } from "./plan.ts";

/**
 * `prlimit ... --` in front of an argv: the limits hold for the command and
 * everything it starts (rlimits are inherited). Soft and hard are the same, so
 * the command cannot raise them again.
 */
export function prlimitPrefix(prlimit: string, limits: ResourceLimits): string[] {
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new TypeError(`limit ${name} must be a positive integer`);
  }
  return [
    prlimit,
    `--cpu=${limits.cpuSeconds}`,
    `--as=${limits.addressSpaceBytes}`,
    `--nofile=${limits.openFiles}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileSizeBytes}`,
    "--",
  ];
}
