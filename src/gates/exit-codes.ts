/**
 * What tools mean by their exit codes, where the code says more than its
 * output: pytest's 5 (nothing collected) and coverage.py's 2 (below
 * --fail-under) collide with usage-error codes elsewhere, so they are named
 * here. For every parsed tool the findings decide; an exit code alone decides
 * only a custom gate that has no parser.
 */

export type PytestOutcome =
  | "passed"
  | "tests-failed"
  | "interrupted"
  | "internal-error"
  | "usage-error"
  | "no-tests-collected"
  | "unknown";

/** pytest's ExitCode: 0 OK, 1 TESTS_FAILED, 2 INTERRUPTED, 3 INTERNAL_ERROR, 4 USAGE_ERROR, 5 NO_TESTS_COLLECTED. */
export function pytestOutcome(code: number | null): PytestOutcome {
  const outcomes: PytestOutcome[] = [
    "passed",
    "tests-failed",
    "interrupted",
    "internal-error",
    "usage-error",
    "no-tests-collected",
  ];
  return code === null ? "interrupted" : (outcomes[code] ?? "unknown");
}

export type CoveragePyOutcome = "ok" | "error" | "below-fail-under" | "unknown";

/**
 * coverage.py (cmdline.py: OK 0, ERR 1, FAIL_UNDER 2). With 2 the report was
 * still written: parse it for the numbers; the threshold was not met.
 */
export function coveragePyOutcome(code: number | null): CoveragePyOutcome {
  if (code === 0) return "ok";
  if (code === 1) return "error";
  if (code === 2) return "below-fail-under";
  return "unknown";
}

/** A custom gate without a parser: it passes on one of `passing` (default 0); a signal is a failure. */
export function exitCodeVerdict(code: number | null, passing: readonly number[] = [0]): "pass" | "fail" {
  return code !== null && passing.includes(code) ? "pass" : "fail";
}
