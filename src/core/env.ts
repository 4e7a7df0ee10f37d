type Env = Record<string, string | undefined>;

/**
 * Variables that turn a Bun executable into something else: `BUN_BE_BUN=1`
 * makes any compiled executable the full `bun` CLI, `BUN_OPTIONS` injects
 * runtime flags. Never passed to a child, whatever an allowlist says.
 */
export const STRIPPED_CHILD_ENV = ["BUN_BE_BUN", "BUN_OPTIONS"] as const;

/** What a child gets when a caller names nothing else: enough to find and run a tool. */
export const BASE_CHILD_ENV = ["PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR", "TERM", "NO_COLOR"] as const;

/**
 * The environment of a child process: only the `allow`ed names copied from
 * `source`, plus `extra`, minus the stripped names. Never `process.env` whole.
 */
export function childEnv(
  allow: readonly string[] = BASE_CHILD_ENV,
  extra: Env = {},
  source: Env = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of allow) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value !== undefined) env[name] = value;
  }
  return withoutStripped(env);
}

/** `env` minus the stripped names; every spawn goes through this, whoever built the environment. */
export function withoutStripped(env: Record<string, string>): Record<string, string> {
  const clean = { ...env };
  for (const name of STRIPPED_CHILD_ENV) delete clean[name];
  return clean;
}

/** True when a CI system is running us (the common markers, as ci-info reads them). */
export function isCI(env: Env = process.env): boolean {
  if (env.CI !== undefined) return env.CI !== "false" && env.CI !== "0";
  return ["GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "CIRCLECI", "JENKINS_URL", "TF_BUILD", "TEAMCITY_VERSION"].some(
    (name) => env[name] !== undefined && env[name] !== "",
  );
}
