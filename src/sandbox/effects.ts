/**
 * Effect classification: what a command does, judged from its argv and its
 * declared scope rather than from its `proposed_effect_type`. Only ever
 * upward: a command declared stronger than it looks keeps its declaration.
 *
 * Signals (the strongest wins, in the order of SEVERITY):
 * - the program (through wrappers, every pipeline segment) and, for git and
 *   package managers, its subcommand: the tables below;
 * - `secret_refs` not empty: touch_secrets;
 * - `network` not deny: fetch_external;
 * - `write_paths` not empty: transform_local.
 */
import type { ContractCommand } from "./contract.ts";
import { segmentsOf } from "./contract.ts";
import type { EffectType } from "./schema.ts";
import { commandChain, type Link } from "./wrappers.ts";

const SEVERITY: Readonly<Record<EffectType, number>> = {
  observe: 0,
  transform_local: 1,
  fetch_external: 2,
  mutate_repo: 3,
  touch_secrets: 4,
  deploy: 5,
};

/** Whatever the arguments. */
const PROGRAMS: ReadonlyMap<string, EffectType> = new Map(
  Object.entries({
    curl: "fetch_external",
    wget: "fetch_external",
    ssh: "fetch_external",
    scp: "fetch_external",
    sftp: "fetch_external",
    rsync: "fetch_external",
    nc: "fetch_external",
    aria2c: "fetch_external",
    vault: "touch_secrets",
    pass: "touch_secrets",
    gopass: "touch_secrets",
    op: "touch_secrets",
    sops: "touch_secrets",
    security: "touch_secrets",
    aws: "deploy",
    gcloud: "deploy",
    az: "deploy",
    vercel: "deploy",
    netlify: "deploy",
    flyctl: "deploy",
  } as const),
);

const FETCH = ["install", "i", "ci", "add", "update", "upgrade", "fetch", "get", "download", "sync"];

/** By subcommand (the first argument that is not an option). */
const SUBCOMMANDS: ReadonlyMap<string, ReadonlyMap<string, EffectType>> = new Map(
  Object.entries({
    git: {
      ...Object.fromEntries(
        ["commit", "merge", "rebase", "reset", "checkout", "switch", "add", "rm", "mv", "tag", "stash", "cherry-pick"]
          .concat(["revert", "am", "apply", "push", "pull", "restore", "clean"])
          .map((sub) => [sub, "mutate_repo" as const]),
      ),
      fetch: "fetch_external",
      clone: "fetch_external",
      "ls-remote": "fetch_external",
    },
    ...Object.fromEntries(
      ["npm", "pnpm", "yarn", "bun", "pip", "pip3", "cargo", "go", "gem", "composer", "uv", "poetry"].map((manager) => [
        manager,
        { ...Object.fromEntries(FETCH.map((sub) => [sub, "fetch_external" as const])), publish: "deploy" as const },
      ]),
    ),
    docker: { push: "deploy", pull: "fetch_external" },
    podman: { push: "deploy", pull: "fetch_external" },
    kubectl: Object.fromEntries(
      ["apply", "create", "delete", "patch", "replace", "rollout", "scale", "set", "edit"].map((s) => [
        s,
        "deploy" as const,
      ]),
    ),
    helm: { install: "deploy", upgrade: "deploy", uninstall: "deploy", rollback: "deploy" },
    terraform: { apply: "deploy", destroy: "deploy", import: "deploy" },
    tofu: { apply: "deploy", destroy: "deploy", import: "deploy" },
    gh: { release: "deploy", pr: "mutate_repo", repo: "mutate_repo" },
    gpg: { "--decrypt": "touch_secrets", "-d": "touch_secrets" },
  } satisfies Record<string, Record<string, EffectType>>).map(([name, table]) => [
    name,
    new Map(Object.entries(table) as [string, EffectType][]),
  ]),
);

function linkEffect({ argv, start, name }: Link): EffectType | undefined {
  const byProgram = PROGRAMS.get(name);
  if (byProgram) return byProgram;
  const table = SUBCOMMANDS.get(name);
  if (!table) return undefined;
  if (name === "gpg") {
    for (let i = start; i < argv.length; i++) {
      const effect = table.get(argv[i] as string);
      if (effect) return effect;
    }
    return undefined;
  }
  for (let i = start + 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("-")) return table.get(arg);
  }
  return undefined;
}

function stronger(a: EffectType, b: EffectType | undefined): EffectType {
  return b !== undefined && SEVERITY[b] > SEVERITY[a] ? b : a;
}

/**
 * The strongest effect the program of `argv` (or anything it wraps) shows, if
 * any; `chain` is `commandChain(argv)` when already known.
 */
export function programEffect(argv: readonly string[], chain = commandChain(argv)): EffectType | undefined {
  let effect: EffectType | undefined;
  for (let l = 0; l < chain.length; l++) {
    const shown = linkEffect(chain[l] as Link);
    if (shown !== undefined) effect = effect === undefined ? shown : stronger(effect, shown);
  }
  return effect;
}

/**
 * The effect type the command is judged to have: its proposed one, or a
 * stronger one it shows. `programEffects` (one per segment) may be given when
 * already known.
 */
export function classifyEffect(
  command: ContractCommand,
  programEffects: readonly (EffectType | undefined)[] = segmentsOf(command).map((argv) => programEffect(argv)),
): EffectType {
  let effect = command.proposed_effect_type;
  for (let i = 0; i < programEffects.length; i++) effect = stronger(effect, programEffects[i]);
  if (command.secret_refs.length > 0) effect = stronger(effect, "touch_secrets");
  if (command.network !== "deny") effect = stronger(effect, "fetch_external");
  if (command.write_paths.length > 0) effect = stronger(effect, "transform_local");
  return effect;
}
