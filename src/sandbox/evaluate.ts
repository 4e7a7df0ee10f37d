/**
 * Policy evaluation: every check on every command (and every pipeline segment,
 * and every command a wrapper runs), every reason code reported, deny beats
 * needs_approval. Pure: the file system is behind `FileSystemView`, time and
 * environment are given.
 */
import type { CommandContract, ContractCommand } from "./contract.ts";
import { segmentsOf } from "./contract.ts";
import type { DecisionKind, PolicyDecision } from "./decision.ts";
import { classifyEffect, programEffect } from "./effects.ts";
import { type FileSystemView, SYSTEM_EXECUTABLE_DIRS } from "./executable.ts";
import { contractSha256, policySha256 } from "./hash.ts";
import { inlineCodeForm, stdinProgram } from "./inline-code.ts";
import { isUnderAny, normalisePath, overlaps, type ScopePath, scopePath } from "./paths.ts";
import type { CommandPlan, ResourceLimits } from "./plan.ts";
import type { Policy } from "./policy.ts";
import { NON_DENYING_CODES, type ReasonCode } from "./reason-codes.ts";
import type { EffectType, NetworkMode } from "./schema.ts";
import { commandChain, type Link, programName } from "./wrappers.ts";

/** Resource limits when the policy's `tollgate.limits` does not set them. */
const DEFAULT_LIMITS: Readonly<ResourceLimits> = {
  cpuSeconds: 600,
  addressSpaceBytes: 4 * 1024 ** 3,
  openFiles: 1024,
  processes: 256,
  fileSizeBytes: 1024 ** 3,
};

/** How long a decision stays valid (`expires_at`) unless the caller says otherwise. */
const DEFAULT_VALIDITY_SECONDS = 300;

export interface EvaluateOptions {
  fs: FileSystemView;
  /** The PATH bare program names are looked up on. */
  searchPath: string;
  /** Where the values of allowlisted environment variables come from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Folders no command may see or touch: tollgate's own configuration and keys (`userConfigDir()`). */
  protectedPaths: readonly string[];
  now: Date;
  validitySeconds?: number;
}

interface Finding {
  code: ReasonCode;
  /** What is wrong and what to change, naming the command. */
  reason: string;
}

interface CommandResult {
  id: string;
  /** Unique, in the order found; empty when the command passes every check. */
  codes: ReasonCode[];
  findings: Finding[];
  classifiedEffect: EffectType;
  /** The resolved program of each segment (absolute, symlinks resolved); missing ones are absent. */
  executables: string[];
  /** Secret refs the executor resolves (tollgate's policy side never reads a secret). */
  secretRefs: string[];
}

export interface Evaluation {
  decision: PolicyDecision;
  contractSha256: string;
  policySha256: string;
  /** Findings about the contract as a whole (risk class, approval mode). */
  contractFindings: Finding[];
  commands: CommandResult[];
  /** What the executor runs, in order (built on first use); empty when the decision is deny. */
  readonly plans: CommandPlan[];
}

const NETWORK_RANK: Readonly<Record<NetworkMode, number>> = { deny: 0, allowlisted: 1, full: 2 };

interface CompiledPolicy {
  allow: ReadonlySet<string>;
  /** Deny prefixes by program name. */
  deny: ReadonlyMap<string, readonly (readonly string[])[]>;
  effects: ReadonlySet<string>;
  manual: ReadonlySet<string>;
  cwd: readonly string[];
  read: readonly string[];
  write: readonly string[];
  executableDirs: readonly string[];
  allowedEnv: ReadonlySet<string>;
  allowedSecrets: ReadonlySet<string> | undefined;
  allowInlineCode: boolean;
  limits: ResourceLimits;
  /** Path verdicts remembered across evaluations, by the protected paths they were judged against. */
  memos: Map<string, PathMemo>;
}

/**
 * What the path rules said about raw paths under one policy, file-system view
 * and set of protected paths: the same inputs give the same verdict, so an
 * agent's stream of contracts (the same cwd and paths, command after command)
 * judges each path once. Dropped when it grows past MEMO_LIMIT entries.
 */
interface PathMemo {
  protectedPaths: string[];
  verdicts: Record<PathField, Map<string, PathVerdict>>;
  /** A write path's real path (undefined when invalid), for the contract's write scopes. */
  realScopes: Map<string, string | undefined>;
}

const MEMO_LIMIT = 10_000;

function pathMemo(p: CompiledPolicy, options: EvaluateOptions): PathMemo {
  const key = options.protectedPaths.join("\0");
  const known = p.memos.get(key);
  if (known && known.realScopes.size + known.verdicts.read_paths.size < MEMO_LIMIT) return known;
  const memo: PathMemo = {
    protectedPaths: options.protectedPaths.map((dir) => options.fs.realPath(normalisePath(dir))),
    verdicts: { cwd: new Map(), read_paths: new Map(), write_paths: new Map() },
    realScopes: new Map(),
  };
  p.memos.set(key, memo);
  return memo;
}

const compiled = new WeakMap<Policy, WeakMap<FileSystemView, CompiledPolicy>>();

/** `scopePath` with symlinks resolved through `fs`. */
function realScope(raw: string, fs: FileSystemView): ScopePath {
  const scoped = scopePath(raw);
  return scoped.ok ? { ok: true, path: fs.realPath(scoped.path) } : scoped;
}

/** The real paths of `paths` (invalid ones left out), appended to `into`. */
function realPrefixes(paths: readonly string[], fs: FileSystemView, into: string[] = []): string[] {
  for (let i = 0; i < paths.length; i++) {
    const scoped = realScope(paths[i] as string, fs);
    if (scoped.ok) into.push(scoped.path);
  }
  return into;
}

function denyByProgram(prefixes: readonly (readonly string[])[]): Map<string, (readonly string[])[]> {
  const byProgram = new Map<string, (readonly string[])[]>();
  for (const prefix of prefixes) {
    const name = programName(prefix[0] ?? "");
    byProgram.set(name, [...(byProgram.get(name) ?? []), prefix]);
  }
  return byProgram;
}

function compile(policy: Policy, fs: FileSystemView): CompiledPolicy {
  const cached = compiled.get(policy)?.get(fs);
  if (cached) return cached;
  const settings = policy.tollgate ?? {};
  const limits = settings.limits ?? {};
  const result: CompiledPolicy = {
    allow: new Set(policy.allow_commands),
    deny: denyByProgram(policy.deny_argv_prefixes ?? []),
    effects: new Set(policy.allowed_effect_types),
    manual: new Set(policy.manual_approval_for_classified_effect_types ?? []),
    cwd: realPrefixes(policy.allowed_cwd_prefixes, fs),
    read: realPrefixes(policy.allowed_read_prefixes, fs),
    write: realPrefixes(policy.allowed_write_prefixes ?? [], fs),
    executableDirs: realPrefixes(settings.executable_dirs ?? [], fs, [...SYSTEM_EXECUTABLE_DIRS]),
    allowedEnv: new Set(settings.allowed_env ?? []),
    allowedSecrets: settings.allowed_secret_refs && new Set(settings.allowed_secret_refs),
    allowInlineCode: settings.allow_inline_code === true,
    limits: {
      cpuSeconds: limits.cpu_seconds ?? DEFAULT_LIMITS.cpuSeconds,
      addressSpaceBytes: limits.memory_bytes ?? DEFAULT_LIMITS.addressSpaceBytes,
      openFiles: limits.open_files ?? DEFAULT_LIMITS.openFiles,
      processes: limits.processes ?? DEFAULT_LIMITS.processes,
      fileSizeBytes: limits.file_size_bytes ?? DEFAULT_LIMITS.fileSizeBytes,
    },
    memos: new Map(),
  };
  if (Object.isFrozen(policy)) {
    const byFs = compiled.get(policy) ?? new WeakMap();
    byFs.set(fs, result);
    compiled.set(policy, byFs);
  }
  return result;
}

/**
 * A deny prefix `[program, ...words]` matches an argv whose program (basename)
 * is `program` and which holds every word somewhere before its first `--`,
 * wherever it stands: `["python3", "-c"]` catches `python3 -I -c ...`.
 */
export function matchesDenyPrefix(argv: readonly string[], prefix: readonly string[]): boolean {
  return programName(argv[0] ?? "") === programName(prefix[0] ?? "") && holdsWords(argv, 0, prefix);
}

/** Whether the argv from `start` on holds every word of prefix[1..] after its program and before its first `--`. */
function holdsWords(argv: readonly string[], start: number, prefix: readonly string[]): boolean {
  let end = start;
  while (end < argv.length && argv[end] !== "--") end++;
  for (let w = 1; w < prefix.length; w++) {
    const word = prefix[w] as string;
    let at = start + 1;
    while (at < end && argv[at] !== word) at++;
    if (at >= end) return false;
  }
  return true;
}

const list = (items: Iterable<string>) => `[${[...items].join(", ")}]`;

interface Context {
  policy: Policy;
  p: CompiledPolicy;
  options: EvaluateOptions;
  /** The path rules' verdicts by field and raw path (remembered across evaluations: see PathMemo). */
  verdicts: Record<PathField, Map<string, PathVerdict>>;
  /** Every write path of the contract, real: a program there could be rewritten before it runs. */
  writeScopes: string[];
  protectedPaths: string[];
}

interface CommandOutcome {
  result: CommandResult;
  cwd: string;
  readPaths: string[];
  writePaths: string[];
}

/** A command's findings; each reason starts with the command id (and the pipeline segment). */
class CommandFindings {
  readonly list: Finding[] = [];

  constructor(private readonly id: string) {}

  add(code: ReasonCode, text: string, segment?: number): void {
    const where = segment === undefined ? `command ${this.id}` : `command ${this.id} (pipeline segment ${segment + 1})`;
    this.list.push({ code, reason: `${where}: ${text}` });
  }
}

interface Programs {
  /** The resolved program of each segment; missing ones are absent. */
  executables: string[];
  /** The effect each segment's programs show, if any. */
  effects: (EffectType | undefined)[];
}

function checkPrograms(segments: readonly (readonly string[])[], ctx: Context, findings: CommandFindings): Programs {
  const { p, options } = ctx;
  const executables: string[] = [];
  const effects: (EffectType | undefined)[] = [];
  for (let index = 0; index < segments.length; index++) {
    // Read once: reading a frozen array element by element is slow in JavaScriptCore, and the checks read argv often.
    const argv = copyOf(segments[index] as readonly string[]);
    const segment = segments.length > 1 ? index : undefined;
    const chain = commandChain(argv);
    effects.push(programEffect(argv, chain));
    for (let l = 0; l < chain.length; l++) {
      const { argv: linkArgv, start, name } = chain[l] as Link;
      if (!p.allow.has(name)) {
        findings.add(
          "COMMAND_NOT_ALLOWED",
          `"${name}" is not in the policy's allow_commands ${list(p.allow)}; use one of those programs`,
          segment,
        );
      }
      const denied = p.deny.get(name);
      for (let d = 0; denied && d < denied.length; d++) {
        const prefix = denied[d] as readonly string[];
        if (holdsWords(linkArgv, start, prefix)) {
          findings.add(
            "ARGV_PREFIX_DENIED",
            `argv matches the denied prefix ${JSON.stringify(prefix)}; drop that form`,
            segment,
          );
        }
      }
    }
    if (!p.allowInlineCode) {
      const form = inlineCodeForm(argv, chain);
      if (form) {
        findings.add(
          "INLINE_CODE_DENIED",
          `inline code (${form}) is not allowed; write the code to a file in the workspace and run that file`,
          segment,
        );
      }
      const interpreter = index > 0 ? stdinProgram(argv, chain) : undefined;
      if (interpreter) {
        findings.add(
          "PIPELINE_STDIN_PROGRAM",
          `"${interpreter}" would run the previous segment's output as a program; save it to a file, review it, run the file`,
          segment,
        );
      }
    }
    const arg0 = argv[0] ?? "";
    if (arg0.includes("/") && !arg0.startsWith("/")) {
      findings.add(
        "EXECUTABLE_NOT_TRUSTED",
        `argv[0] "${arg0}" is a relative path; give a program name or an absolute path`,
        segment,
      );
      continue;
    }
    const found = options.fs.findExecutable(arg0, options.searchPath);
    if (!found) {
      findings.add(
        "EXECUTABLE_NOT_FOUND",
        `"${arg0}" is not an executable file on the PATH; check the program name`,
        segment,
      );
    } else if (!isUnderAny(found.location, p.executableDirs)) {
      findings.add(
        "EXECUTABLE_NOT_TRUSTED",
        `"${found.location}" is outside the trusted program folders ${list(p.executableDirs)}; run a system program or add its folder to the policy's tollgate.executable_dirs`,
        segment,
      );
    } else if (isUnderAny(found.location, ctx.writeScopes) || isUnderAny(found.file, ctx.writeScopes)) {
      findings.add(
        "EXECUTABLE_NOT_TRUSTED",
        `"${found.file}" lies inside a write path of this contract, so it could be replaced before it runs; run a program outside the write paths`,
        segment,
      );
    } else {
      executables[index] = found.file;
    }
  }
  return { executables, effects };
}

type PathField = "cwd" | "read_paths" | "write_paths";

/** What the path rules say about a raw path in one field: where it really leads, and the findings it gets. */
interface PathVerdict {
  real: string | undefined;
  findings: readonly (readonly [ReasonCode, string])[];
}

const NO_FINDINGS: PathVerdict["findings"] = [];

function judgePath(ctx: Context, raw: string, field: PathField, prefixes: readonly string[] | undefined): PathVerdict {
  const scoped = scopePath(raw);
  if (!scoped.ok) return { real: undefined, findings: [[scoped.code, `${field} ${scoped.problem}`]] };
  const real = ctx.options.fs.realPath(scoped.path);
  let findings: (readonly [ReasonCode, string])[] | undefined;
  for (let i = 0; i < ctx.protectedPaths.length; i++) {
    if (overlaps(real, ctx.protectedPaths[i] as string)) {
      findings ??= [];
      findings.push([
        "TOLLGATE_STATE_PROTECTED",
        `${field} "${raw}" reaches tollgate's own keys and settings; narrow it`,
      ]);
    }
  }
  if (prefixes && !isUnderAny(real, prefixes)) {
    const [code, from] = PATH_RULES[field];
    findings ??= [];
    findings.push([code, `${field} "${raw}" is outside the policy's ${from} ${list(prefixes)}; use a path under one`]);
  }
  return { real, findings: findings ?? NO_FINDINGS };
}

/** `raw` judged as `field` (a field's prefixes are the same throughout an evaluation); its real path when valid. */
function checkPath(
  findings: CommandFindings,
  ctx: Context,
  raw: string,
  field: PathField,
  prefixes: readonly string[] | undefined,
): string | undefined {
  const judged = ctx.verdicts[field];
  let verdict = judged.get(raw);
  if (!verdict) {
    verdict = judgePath(ctx, raw, field, prefixes);
    judged.set(raw, verdict);
  }
  for (let i = 0; i < verdict.findings.length; i++) {
    const [code, text] = verdict.findings[i] as readonly [ReasonCode, string];
    findings.add(code, text);
  }
  return verdict.real;
}

const PATH_RULES = {
  cwd: ["CWD_NOT_ALLOWED", "allowed_cwd_prefixes"],
  read_paths: ["READ_SCOPE_DENIED", "allowed_read_prefixes"],
  write_paths: ["WRITE_SCOPE_DENIED", "allowed_write_prefixes"],
} as const satisfies Record<string, readonly [ReasonCode, string]>;

function checkPathList(
  findings: CommandFindings,
  ctx: Context,
  raws: readonly string[],
  field: "read_paths" | "write_paths",
  prefixes: readonly string[] | undefined,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < raws.length; i++) {
    const real = checkPath(findings, ctx, raws[i] as string, field, prefixes);
    if (real !== undefined) out.push(real);
  }
  return out;
}

function checkCommand(command: ContractCommand, ctx: Context): CommandOutcome {
  const { policy, p } = ctx;
  const findings = new CommandFindings(command.id);
  const segments = segmentsOf(command);
  const { executables, effects } = checkPrograms(segments, ctx, findings);

  const proposed = command.proposed_effect_type;
  if (!p.effects.has(proposed)) {
    findings.add(
      "EFFECT_TYPE_NOT_ALLOWED",
      `effect type "${proposed}" is not in the policy's allowed_effect_types ${list(p.effects)}`,
    );
  }
  const classified = classifyEffect(command, effects);
  if (classified !== proposed) {
    findings.add("EFFECT_RECLASSIFIED", `proposed as "${proposed}" but what it runs is "${classified}"; declare that`);
    if (!p.effects.has(classified)) {
      findings.add(
        "EFFECT_TYPE_NOT_ALLOWED",
        `its effect "${classified}" is not in the policy's allowed_effect_types ${list(p.effects)}`,
      );
    }
  }
  // The proposed effect counts too: a stronger classification must not lift an approval the proposal needed.
  const needsApproval = p.manual.has(classified) ? classified : p.manual.has(proposed) ? proposed : undefined;
  if (needsApproval) {
    findings.add("APPROVAL_REQUIRED", `effect "${needsApproval}" needs a human approval under this policy`);
  }
  if (command.timeout_sec > policy.max_timeout_sec) {
    findings.add(
      "TIMEOUT_EXCEEDS_POLICY",
      `timeout_sec ${command.timeout_sec} exceeds the policy's max_timeout_sec ${policy.max_timeout_sec}; lower it`,
    );
  }
  if (NETWORK_RANK[command.network] > NETWORK_RANK[policy.network]) {
    findings.add(
      "NETWORK_EXCEEDS_POLICY",
      `network "${command.network}" exceeds the policy's "${policy.network}"; ask for "${policy.network}" or less`,
    );
  }
  if (command.network === "allowlisted") {
    findings.add(
      "NETWORK_ALLOWLIST_UNSUPPORTED",
      `network "allowlisted" is not enforced by tollgate yet; ask for "deny" (or "full" where the policy allows it)`,
    );
  }
  const secretRefs = command.secret_refs;
  for (let i = 0; i < secretRefs.length; i++) {
    const ref = secretRefs[i] as string;
    if (!policy.allow_secret_refs) {
      findings.add("SECRET_REF_NOT_ALLOWED", `this policy allows no secret_refs (asked for "${ref}"); remove them`);
    } else if (p.allowedSecrets && !p.allowedSecrets.has(ref)) {
      findings.add(
        "SECRET_REF_NOT_ALLOWED",
        `secret ref "${ref}" is not in the policy's tollgate.allowed_secret_refs ${list(p.allowedSecrets)}`,
      );
    }
  }
  const envAllow = command.env_allow;
  for (let i = 0; i < envAllow.length; i++) {
    const name = envAllow[i] as string;
    if (!p.allowedEnv.has(name)) {
      findings.add(
        "ENV_NOT_ALLOWED",
        `environment variable ${name} is not in the policy's tollgate.allowed_env ${list(p.allowedEnv)}; remove it from env_allow`,
      );
    }
  }
  const writesForbidden = policy.require_write_paths_empty === true && command.write_paths.length > 0;
  if (writesForbidden) {
    findings.add("WRITE_PATHS_NOT_EMPTY", "this policy allows no write_paths; remove them and write nothing");
  }
  const cwd = checkPath(findings, ctx, command.cwd, "cwd", p.cwd) ?? "";
  const readPaths = checkPathList(findings, ctx, command.read_paths, "read_paths", p.read);
  const writePaths = checkPathList(
    findings,
    ctx,
    command.write_paths,
    "write_paths",
    writesForbidden ? undefined : p.write,
  );
  const codes: ReasonCode[] = [];
  for (let i = 0; i < findings.list.length; i++) {
    const { code } = findings.list[i] as Finding;
    if (!codes.includes(code)) codes.push(code);
  }
  return {
    result: {
      id: command.id,
      codes,
      findings: findings.list,
      classifiedEffect: classified,
      executables,
      secretRefs: copyOf(secretRefs),
    },
    cwd,
    readPaths,
    writePaths,
  };
}

/** A copy by index: spreading or slicing a frozen array is slow in JavaScriptCore. */
function copyOf(items: readonly string[]): string[] {
  const copy: string[] = [];
  for (let i = 0; i < items.length; i++) copy.push(items[i] as string);
  return copy;
}

function decide(codes: ReadonlySet<ReasonCode>): DecisionKind {
  for (const code of codes) if (!NON_DENYING_CODES.has(code)) return "deny";
  return codes.has("APPROVAL_REQUIRED") ? "needs_approval" : "allow";
}

function contractChecks(contract: CommandContract, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  if (!(policy.allowed_risk_classes as readonly string[]).includes(contract.risk_class)) {
    findings.push({
      code: "RISK_CLASS_NOT_ALLOWED",
      reason: `contract: risk class "${contract.risk_class}" is not in the policy's allowed_risk_classes ${list(policy.allowed_risk_classes)}`,
    });
  }
  if (contract.approval_mode !== "policy_only") {
    findings.push({
      code: "APPROVAL_REQUIRED",
      reason: `contract: approval_mode "${contract.approval_mode}" needs ${contract.approval_mode === "dual_control_required" ? "two human approvals" : "a human approval"}`,
    });
  }
  return findings;
}

function plan(command: ContractCommand, outcome: CommandOutcome, ctx: Context): CommandPlan {
  const env: Record<string, string> = {};
  for (const name of command.env_allow) {
    const value = ctx.options.env[name];
    if (ctx.p.allowedEnv.has(name) && value !== undefined) env[name] = value;
  }
  return {
    id: command.id,
    segments: segmentsOf(command).map((argv, s) => [outcome.result.executables[s] as string, ...argv.slice(1)]),
    cwd: outcome.cwd,
    readPaths: outcome.readPaths,
    writePaths: outcome.writePaths,
    network: command.network === "full" ? "full" : "deny",
    env,
    secretNames: [],
    timeoutMs: command.timeout_sec * 1000,
    limits: { ...ctx.p.limits },
  };
}

/**
 * Checks `contract` against `policy`: the decision and per-command results;
 * `plans` (built on first use, empty when denied) are what the executor runs.
 */
export function evaluate(contract: CommandContract, policy: Policy, options: EvaluateOptions): Evaluation {
  const p = compile(policy, options.fs);
  const memo = pathMemo(p, options);
  const commands = contract.commands;
  const writeScopes = new Set<string>();
  for (let i = 0; i < commands.length; i++) {
    const writes = (commands[i] as ContractCommand).write_paths;
    for (let w = 0; w < writes.length; w++) {
      const raw = writes[w] as string;
      let real = memo.realScopes.get(raw);
      if (real === undefined && !memo.realScopes.has(raw)) {
        const scoped = realScope(raw, options.fs);
        real = scoped.ok ? scoped.path : undefined;
        memo.realScopes.set(raw, real);
      }
      if (real !== undefined) writeScopes.add(real);
    }
  }
  const ctx: Context = {
    policy,
    p,
    options,
    verdicts: memo.verdicts,
    writeScopes: [...writeScopes],
    protectedPaths: memo.protectedPaths,
  };
  const contractFindings = contractChecks(contract, policy);
  const outcomes: CommandOutcome[] = [];
  for (let i = 0; i < commands.length; i++) outcomes.push(checkCommand(commands[i] as ContractCommand, ctx));
  const all = [...contractFindings];
  const codes = new Set<ReasonCode>();
  for (let i = 0; i < contractFindings.length; i++) codes.add((contractFindings[i] as Finding).code);
  const results: CommandResult[] = [];
  for (let i = 0; i < outcomes.length; i++) {
    const { result } = outcomes[i] as CommandOutcome;
    results.push(result);
    for (let f = 0; f < result.findings.length; f++) {
      const finding = result.findings[f] as Finding;
      all.push(finding);
      codes.add(finding.code);
    }
  }
  const decision = decide(codes);
  const count = commands.length;
  const allowLine = `${count === 1 ? "the command passes" : `all ${count} commands pass`} policy "${policy.name}"`;
  const validity = (options.validitySeconds ?? DEFAULT_VALIDITY_SECONDS) * 1000;
  const contractHash = contractSha256(contract);
  let plans: CommandPlan[] | undefined;
  return {
    decision: {
      contract_id: contract.contract_id,
      contract_sha256: contractHash,
      decision,
      policy_profile: policy.name,
      classified_effects: outcomes.map(({ result }) => ({
        command_id: result.id,
        effect_type: result.classifiedEffect,
      })),
      reasons: decision === "allow" ? [allowLine, ...all.map((f) => f.reason)] : all.map((f) => f.reason),
      reason_codes: decision === "allow" ? ["ALLOW", ...codes] : [...codes],
      expires_at: new Date(options.now.getTime() + validity).toISOString(),
    },
    contractSha256: contractHash,
    policySha256: policySha256(policy),
    contractFindings,
    commands: results,
    get plans() {
      plans ??=
        decision === "deny"
          ? []
          : outcomes.map((outcome, index) => plan(commands[index] as ContractCommand, outcome, ctx));
      return plans;
    },
  };
}
