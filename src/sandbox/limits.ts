import type { ResourceLimits } from "./plan.ts";

/**
 * Limits for a command whose policy names none. Generous enough for a build or
 * a test suite; the wall-clock timeout is the real stop.
 */
export const DEFAULT_LIMITS: ResourceLimits = {
  cpuSeconds: 600,
  addressSpaceBytes: 16 * 1024 ** 3,
  openFiles: 4096,
  processes: 4096,
  fileSizeBytes: 4 * 1024 ** 3,
};

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
