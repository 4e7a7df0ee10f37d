/**
 * `tollgate policy check` and `tollgate contract hash`. The decision document
 * and the hash go to stdout; the human summary to stderr.
 */
import { defineCommand, ExitCode, jsonArg, printJson, userConfigDir, writeStderr, writeStdout } from "../core/index.ts";
import { loadContract } from "./contract.ts";
import type { DecisionKind } from "./decision.ts";
import { type Evaluation, evaluate } from "./evaluate.ts";
import { cachingFileSystem } from "./executable.ts";
import { contractSha256 } from "./hash.ts";
import { loadPolicy } from "./policy.ts";

const contractArg = {
  contract: { type: "positional", description: "Command contract file (CSC v0.1 JSON)", required: true },
} as const;

const EXIT_CODES: Readonly<Record<DecisionKind, number>> = {
  allow: ExitCode.ok,
  needs_approval: ExitCode.needsApproval,
  deny: ExitCode.checkFailed,
};

/**
 * The CSC PolicyDecision, whose members stay exactly CSC's, plus one `tollgate`
 * member: drop it and the document validates against the CSC schema.
 */
function decisionDocument(evaluation: Evaluation) {
  return {
    ...evaluation.decision,
    tollgate: {
      policy_sha256: evaluation.policySha256,
      contract_codes: [...new Set(evaluation.contractFindings.map((finding) => finding.code))],
      commands: evaluation.commands.map((command) => ({
        id: command.id,
        codes: command.codes,
        classified_effect: command.classifiedEffect,
        executables: command.executables,
        secret_refs: command.secretRefs,
      })),
    },
  };
}

function summary(evaluation: Evaluation): string {
  const { decision } = evaluation;
  const findings = [...evaluation.contractFindings, ...evaluation.commands.flatMap((command) => command.findings)];
  const lines = [
    `${decision.decision}: contract ${decision.contract_id} against policy "${decision.policy_profile}"`,
    ...findings.map((finding) => `  ${finding.code}  ${finding.reason}`),
  ];
  if (findings.length === 0) lines.push(`  ${decision.reasons[0]}`);
  return `${lines.join("\n")}\n`;
}

const check = defineCommand({
  meta: {
    name: "check",
    description: "Check a command contract against a policy: exit 0 allow, 3 needs approval, 1 deny, 2 invalid input",
  },
  args: {
    ...contractArg,
    policy: { type: "string", description: "Policy file (CSC v0.1 YAML)", required: true },
    ...jsonArg,
  },
  async run({ args }) {
    const contract = loadContract(args.contract);
    const policy = await loadPolicy(args.policy);
    const evaluation = evaluate(contract, policy, {
      fs: cachingFileSystem(),
      searchPath: process.env.PATH ?? "",
      env: process.env,
      protectedPaths: [userConfigDir()],
      now: new Date(),
    });
    writeStderr(summary(evaluation));
    if (args.json) printJson(decisionDocument(evaluation));
    return EXIT_CODES[evaluation.decision.decision];
  },
});

const hash = defineCommand({
  meta: {
    name: "hash",
    description: "Print a contract's SHA-256 (canonical JSON of the parsed contract): the value approvals bind to",
  },
  args: { ...contractArg, ...jsonArg },
  run({ args }) {
    const contract = loadContract(args.contract);
    const sha256 = contractSha256(contract);
    if (args.json) printJson({ contract_id: contract.contract_id, contract_sha256: sha256 });
    else writeStdout(`${sha256}\n`);
    return ExitCode.ok;
  },
});

export const policyCommand = defineCommand({
  meta: { name: "policy", description: "Command policies: check a contract against a policy" },
  subCommands: { check },
});

export const contractCommand = defineCommand({
  meta: { name: "contract", description: "Command contracts: print a contract's hash" },
  subCommands: { hash },
});
export { execCommand } from "./exec-command.ts";
