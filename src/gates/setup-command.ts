/**
 * `tollgate setup`: wires the project to tollgate's stages, or with `--check`
 * reports what is missing or out of date. One line per item on stderr,
 * `--json` to stdout.
 */
import { defineCommand, findProjectRoot, jsonArg, printJson, writeStderr } from "../core/index.ts";
import { CI_PROVIDERS, formatReport, runSetup } from "./setup.ts";

export const setupCommand = defineCommand({
  meta: {
    name: "setup",
    description: "Wire the project to tollgate: git pre-commit hook, Claude Code hook, AGENTS.md block, CI workflow",
  },
  args: {
    hook: {
      type: "boolean",
      description: "Install the git pre-commit hook (default: when the project is a git repository)",
      negativeDescription: "Leave the git pre-commit hook alone",
    },
    claude: {
      type: "boolean",
      description: "Add the PostToolUse hook to .claude/settings.json (default: on)",
      negativeDescription: "Leave .claude/settings.json alone",
    },
    agents: {
      type: "boolean",
      description: "Insert or update the tollgate block in AGENTS.md (default: on)",
      negativeDescription: "Leave AGENTS.md alone",
    },
    ci: { type: "string", description: `Also write a CI workflow: ${CI_PROVIDERS.join(", ")}` },
    chain: {
      type: "boolean",
      description: "Chain to an existing pre-commit hook, kept as pre-commit.local (default: on)",
      negativeDescription: "Refuse an existing pre-commit hook (or replace it with --force)",
    },
    force: {
      type: "boolean",
      description:
        "With --no-chain: replace an existing hook (kept as pre-commit.bak); replace a tollgate.yml that does not run tollgate",
    },
    check: { type: "boolean", description: "Change nothing; exit 1 when anything is missing or stale" },
    ...jsonArg,
  },
  async run({ args }) {
    const root = findProjectRoot();
    const report = await runSetup({
      root,
      hook: args.hook,
      claude: args.claude,
      agents: args.agents,
      ci: args.ci,
      chain: args.chain,
      force: args.force,
      check: args.check,
    });
    if (args.json) printJson({ root: report.root, items: report.items });
    else {
      const hint = report.exitCode === 0 || !args.check ? "" : "run tollgate setup to fix what is missing or stale\n";
      writeStderr(`${formatReport(report.items)}${hint}`);
    }
    return report.exitCode;
  },
});
