/**
 * Scrubbing of any text that could reach a crash report. The report is built
 * from an allowlist and never holds a message, so this is the second line of
 * defence: whatever text survives (file names, function names) goes through
 * here before it is stored or filed.
 */
import { realpathSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { EMBEDDED_ROOTS, findProjectRoot, homeDir } from "../core/index.ts";

type Env = Record<string, string | undefined>;

/** The machine-specific strings to remove; built by `scrubContext`, or by hand in tests. */
export interface ScrubContext {
  /** The home folder, and its real path when it is reached through a symlink. */
  homes: readonly string[];
  projects?: readonly string[];
  /** Temp folders beyond the well-known ones (`/tmp`, `/var/folders/...`). */
  tmpDirs?: readonly string[];
  hostname?: string;
}

const HOME_TOKEN = "~";
const PROJECT_TOKEN = "<project>";
const TMP_TOKEN = "<tmp>";
const HOST_TOKEN = "<host>";
const REDACTED_TOKEN = "<redacted>";
const EMAIL_TOKEN = "<email>";

/** The context of this run: home, project root, temp folders and hostname, with symlinks resolved too. */
export function scrubContext(env: Env = process.env, cwd?: string): ScrubContext {
  const tmpDirs = [env.TMPDIR, tmpdir()].filter((dir): dir is string => Boolean(dir));
  let projects: string[] = [];
  try {
    projects = withRealPaths([findProjectRoot(cwd ?? process.cwd())]);
  } catch {
    // the working folder was removed under us; the generic rules still apply
  }
  return {
    homes: withRealPaths([homeDir(env)]),
    projects,
    tmpDirs: withRealPaths(tmpDirs),
    hostname: hostname(),
  };
}

/** A symlinked folder (macOS /var -> /private/var) appears in stacks under its real path. */
function withRealPaths(paths: readonly string[]): string[] {
  return [...new Set([...paths, ...paths.map(realpathOrSelf)])];
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

interface PrefixRule {
  prefix: string;
  token: string;
}

/**
 * Replaces the home folder with `~`, the project root with `<project>` (the
 * longer, more specific prefix wins when one holds the other), temp folders
 * with `<tmp>`, other users' home folders with `~`; turns `file://` URLs and
 * paths inside a compiled executable into plain relative paths; replaces the
 * hostname with `<host>`; redacts tokens and e-mail addresses.
 */
export function scrubText(text: string, context: ScrubContext): string {
  let out = stripEmbeddedRoots(decodeFileUrls(text));
  const rules = prefixRules(context);
  for (const rule of rules) out = out.replace(prefixPattern(rule.prefix, true), rule.token);
  for (const [pattern, token] of GENERIC_PATHS) out = out.replace(pattern, token);
  out = removeRemainingPrefixes(
    out,
    rules.filter((rule) => rule.token !== TMP_TOKEN),
  );
  if (context.hostname) out = replaceHostname(out, context.hostname);
  return redactTokens(out);
}

function prefixRules(context: ScrubContext): PrefixRule[] {
  const rules: PrefixRule[] = [
    ...context.homes.map((prefix) => ({ prefix, token: HOME_TOKEN })),
    ...(context.projects ?? []).map((prefix) => ({ prefix, token: PROJECT_TOKEN })),
    ...(context.tmpDirs ?? []).map((prefix) => ({ prefix, token: TMP_TOKEN })),
  ];
  return rules
    .map((rule) => ({ ...rule, prefix: trimSeparators(rule.prefix) }))
    .filter((rule) => isScrubbablePrefix(rule.prefix))
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

function trimSeparators(path: string): string {
  return path.replace(/[\\/]+$/, "");
}

/** An absolute path below the root: "/" or "C:" alone would swallow every path. */
function isScrubbablePrefix(prefix: string): boolean {
  return /^\/[^/]/.test(prefix) || /^[A-Za-z]:[\\/][^\\/]/.test(prefix);
}

/** Windows paths compare case-insensitively and with either separator. */
function prefixPattern(prefix: string, bounded: boolean): RegExp {
  const windows = /^[A-Za-z]:/.test(prefix);
  const body = [...prefix].map((char) => (char === "/" || char === "\\" ? "[\\\\/]" : escapeRegExp(char))).join("");
  return new RegExp(bounded ? `${body}(?![\\w.-])` : body, windows ? "gi" : "g");
}

/**
 * The bounded pass leaves `/home/al` inside `/home/alice` alone (a different
 * folder); what still contains the home or project path after the generic
 * rules is replaced anyway, until none is left, so no text keeps them.
 */
function removeRemainingPrefixes(text: string, rules: readonly PrefixRule[]): string {
  let out = text;
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const rule of rules) {
      const next = out.replace(prefixPattern(rule.prefix, false), rule.token);
      if (next !== out) {
        out = next;
        changed = true;
      }
    }
    if (!changed) return out;
  }
  return REDACTED_TOKEN;
}

const NOT_WINDOWS_NAME = `[^\\\\/\\s:*?"<>|()']+`;

/** Folders that are temporary or someone's home on any machine, whatever this run's context says. */
const GENERIC_PATHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/(?:\/private)?\/var\/folders\/[^/\s]+\/[^/\s]+(?:\/[TC](?![\w.-]))?/g, TMP_TOKEN],
  [/(?<![\w.~$-])(?:\/private)?(?:\/var)?\/tmp(?![\w.-])/g, TMP_TOKEN],
  [
    new RegExp(`[A-Za-z]:[\\\\/]Users[\\\\/]${NOT_WINDOWS_NAME}[\\\\/]AppData[\\\\/]Local[\\\\/]Temp(?![\\w.-])`, "gi"),
    TMP_TOKEN,
  ],
  [/[A-Za-z]:[\\/](?:Windows[\\/])?Temp(?![\w.-])/gi, TMP_TOKEN],
  [new RegExp(`[A-Za-z]:[\\\\/](?:Users|Documents and Settings)[\\\\/]${NOT_WINDOWS_NAME}`, "gi"), HOME_TOKEN],
  [/(?<![\w.~$-])\/(?:home|Users)\/[^/\s:'"()]+/g, HOME_TOKEN],
  [/(?<![\w.~$-])\/root(?![\w.-])/g, HOME_TOKEN],
];

function decodeFileUrls(text: string): string {
  return text.replace(/file:\/\/(?:localhost)?(\/[^\s'"()<>]*)/gi, (_match, path: string) => {
    let decoded = path;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      // a malformed escape: keep the raw path, the rules below still apply
    }
    // file:///C:/Users/... names the Windows path C:/Users/...
    return /^\/[A-Za-z]:[\\/]/.test(decoded) ? decoded.slice(1) : decoded;
  });
}

function stripEmbeddedRoots(text: string): string {
  let out = text;
  for (const root of EMBEDDED_ROOTS) out = out.split(root).join("");
  return out;
}

function replaceHostname(text: string, host: string): string {
  let out = text;
  const names = new Set([host, host.split(".")[0] ?? ""]);
  for (const name of [...names].sort((a, b) => b.length - a.length)) {
    if (name.length < 2) continue;
    out = out.replace(new RegExp(`(?<![A-Za-z0-9-])${escapeRegExp(name)}(?![A-Za-z0-9-])`, "gi"), HOST_TOKEN);
  }
  return out;
}

const TOKEN_PATTERNS: readonly RegExp[] = [
  /\b(?:sk|pk|rk)-[A-Za-z0-9_-]{8,}/g,
  /\bgh[pousr]_[A-Za-z0-9]{16,}/g,
  /\bgithub_pat_\w{20,}/g,
  /\bglpat-[\w-]{16,}/g,
  /\bxox[abposr]-[\w-]{10,}/g,
  /\bnpm_[A-Za-z0-9]{30,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+/g,
  /\b[0-9a-fA-F]{32,}\b/g,
];

/** A long run of base64 characters mixing cases and digits: a key, a token, a blob. */
const BASE64_RUN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b/g;

/** Redacts API tokens (`sk-...`, `ghp_...`, JWTs...), long hex or base64 runs, and e-mail addresses. */
export function redactTokens(text: string): string {
  let out = text.replace(EMAIL, EMAIL_TOKEN);
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED_TOKEN);
  return out.replace(BASE64_RUN, (run) =>
    /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run) ? REDACTED_TOKEN : run,
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
