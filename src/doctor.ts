/**
 * `tollgate doctor`: what this machine can do for tollgate. Each module
 * contributes its checks; this file only gathers and prints them.
 */
import { coreChecks } from "./core/doctor.ts";
import { type DoctorCheck, defineCommand, ExitCode, jsonArg, printJson, useColor, writeStderr } from "./core/index.ts";
import { crashChecks } from "./crash/index.ts";
import { gatesChecks } from "./gates/index.ts";
import { sandboxChecks } from "./sandbox/index.ts";

async function collectChecks(): Promise<DoctorCheck[]> {
  return [...(await coreChecks()), ...(await sandboxChecks()), ...(await gatesChecks()), ...crashChecks()];
}

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;
const COLOR = { ok: 32, warn: 33, fail: 31 } as const;

function renderChecks(checks: readonly DoctorCheck[], color: boolean): string {
  const lines: string[] = [];
  let section = "";
  for (const check of checks) {
    if (check.section !== section) {
      section = check.section;
      lines.push(lines.length > 0 ? `\n${section}` : section);
    }
    const mark = color ? `\u001b[${COLOR[check.status]}m${MARK[check.status]}\u001b[39m` : MARK[check.status];
    lines.push(`  ${mark}  ${check.name}: ${check.detail}`);
    if (check.fix && check.status !== "ok") lines.push(`        fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => check.status === "fail").length;
  const warned = checks.filter((check) => check.status === "warn").length;
  lines.push(
    "",
    failed > 0
      ? `${failed} required check(s) failed, ${warned} warning(s)`
      : `all required checks passed, ${warned} warning(s)`,
  );
  return `${lines.join("\n")}\n`;
}

export const doctorCommand = defineCommand({
  meta: {
    name: "doctor",
    description: "Check what this machine can do for tollgate, and say how to fix what it cannot",
  },
  args: { ...jsonArg },
  async run({ args }) {
    const checks = await collectChecks();
    const ok = checks.every((check) => check.status !== "fail");
    if (args.json) printJson({ ok, checks });
    else writeStderr(renderChecks(checks, useColor()));
    return ok ? ExitCode.ok : ExitCode.checkFailed;
  },
});
