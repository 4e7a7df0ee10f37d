import { type PipelineResult, runPipeline } from "../core/index.ts";
import { prlimitPrefix } from "./limits.ts";
import type { CommandPlan } from "./plan.ts";

/**
 * Local mode: no namespaces, no path enforcement; the same limits, timeout,
 * output caps, explicit environment and process-group kill as hardened mode.
 */
export function launchLocal(
  plan: CommandPlan,
  prlimit: string,
  graceMs: number | undefined,
): { args: string[][]; run: () => Promise<PipelineResult> } {
  const args = plan.segments.map((argv) => [...prlimitPrefix(prlimit, plan.limits), ...argv]);
  return {
    args,
    run: () =>
      runPipeline(
        args.map((argv) => ({ argv })),
        { cwd: plan.cwd, env: plan.env, timeoutMs: plan.timeoutMs, graceMs },
      ),
  };
}
