import { UserError } from "../core/index.ts";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export const MAX_APPROVAL_MS = 30 * UNIT_MS.d;

/** `--expires`: a whole number and a unit (`90s`, `30m`, `1h`, `2d`), more than 0 and at most 30 days. */
export function parseApprovalDuration(text: string): number {
  const match = /^([0-9]{1,6})([smhd])$/.exec(text.trim());
  if (!match) {
    throw new UserError("BAD_DURATION", `"${text}" is not a duration; write a whole number and a unit: 30m, 1h, 2d`);
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms <= 0 || ms > MAX_APPROVAL_MS) {
    throw new UserError("BAD_DURATION", `an approval lasts more than 0 and at most 30d; "${text}" is out of range`);
  }
  return ms;
}
