// PLACEHOLDER written by the lead so main.ts typechecks; the crash helper replaces this file.
import type { DoctorCheck } from "../core/index.ts";
export async function reportCrash(error: unknown, _context: { command: string[] }): Promise<number> {
  process.stderr.write(`tollgate: internal error: ${String(error)}\n`);
  return 70;
}
export function crashChecks(): DoctorCheck[] {
  return [];
}
