/**
 * The repository stands on its own: no source file, test or script reads a
 * path outside it (a sibling folder such as ../shared, or this machine's
 * /work). A fresh clone in a folder with nothing beside it must pass.
 */
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { PROJECT_ROOT } from "./helpers.ts";

/** Folders and files whose code runs in the tests, the build or CI. */
const SCANNED = ["src", "test", "scripts", ".ci", "package.json", "bunfig.toml", "tollgate.toml", "knip.json"];
/** Recorded tool output and documents, which name paths of other machines as data, not as files to read. */
const DATA = /^test\/fixtures\/gates\/(outputs|projects)\/|\.md$/;
/** What lies beside the repository on a developer's machine (../shared, /work/shared); a clone elsewhere has none of it. */
const OUTSIDE_NAMES = /(^|[^\w/$}])(\.\.\/)+shared\b|["'`]shared["'`]\s*,\s*["'`]csc|\bcsc-v0\.1\b|\/work\/shared\b/;
/** `join(ROOT, "..", ...)`, `join(import.meta.dir, "..", ...)` and the like: string segments from a known folder. */
const JOIN_FROM =
  /\b(?:join|resolve)\(\s*(PROJECT_ROOT|ROOT|import\.meta\.dir(?:name)?)((?:\s*,\s*["'][^"'`$]*["'])+)\s*\)/g;

interface Finding {
  file: string;
  line: number;
  text: string;
}

/** Where `file`'s text reaches outside `repo`. `repo` and `file` are absolute. */
function outsideReferences(repo: string, file: string, content: string): Finding[] {
  const findings: Finding[] = [];
  const rel = relative(repo, file);
  content.split("\n").forEach((text, index) => {
    const found = (why: string) => findings.push({ file: rel, line: index + 1, text: `${why}: ${text.trim()}` });
    if (OUTSIDE_NAMES.test(text)) found("names a folder outside the repository");
    for (const match of text.matchAll(JOIN_FROM)) {
      const from = match[1] === "PROJECT_ROOT" || match[1] === "ROOT" ? repo : dirname(file);
      const segments = [...(match[2] ?? "").matchAll(/["']([^"']*)["']/g)].map((segment) => segment[1] ?? "");
      const reached = relative(repo, join(from, ...segments));
      if (reached === ".." || reached.startsWith("../")) found(`resolves to ${join(from, ...segments)}`);
    }
  });
  return findings;
}

function trackedFiles(): string[] {
  const result = spawnSync("git", ["ls-files", "-z", "--", ...SCANNED], { cwd: PROJECT_ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ls-files failed: ${result.stderr}`);
  // This file names the bad spellings on purpose, to test the scan.
  return result.stdout
    .split("\0")
    .filter((path) => path !== "" && path !== "test/standalone.test.ts" && !DATA.test(path));
}

interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

/** The optional dependencies that package-lock.json names but lists no entry for, as "from -> name". */
function unlistedOptionalPackages(lock: { packages: Record<string, LockEntry> }): string[] {
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const name of Object.keys(entry.optionalDependencies ?? {})) {
      // npm resolves a dependency in the nearest node_modules above the package that needs it.
      const candidates: string[] = [];
      for (let at = path; ; at = at.slice(0, Math.max(0, at.lastIndexOf("/node_modules/")))) {
        candidates.push(`${at === "" ? "" : `${at}/`}node_modules/${name}`);
        if (at === "") break;
      }
      if (!candidates.some((candidate) => candidate in lock.packages)) missing.push(`${path || "(root)"} -> ${name}`);
    }
  }
  return missing;
}

describe("the repository stands on its own", () => {
  // `npm install` on a clean clone adds an entry for each optional platform build
  // (biome's, deno's, oxc's) that the lock file names but does not list, and so
  // rewrites a tracked file; with every one listed it leaves the file alone and `npm ci` accepts it.
  test("package-lock.json lists every optional platform package, so npm install leaves it unchanged", () => {
    const lock = JSON.parse(readFileSync(join(PROJECT_ROOT, "package-lock.json"), "utf8"));
    expect(unlistedOptionalPackages(lock)).toEqual([]);
    const incomplete = structuredClone(lock);
    delete incomplete.packages["node_modules/@biomejs/cli-darwin-arm64"];
    expect(unlistedOptionalPackages(incomplete)).toEqual(["node_modules/@biomejs/biome -> @biomejs/cli-darwin-arm64"]);
  });

  test("no file under src/, test/, scripts/ or .ci/ reads a path outside the repository", () => {
    const files = trackedFiles();
    expect(files.length).toBeGreaterThan(100);
    const findings = files.flatMap((path) => {
      const file = join(PROJECT_ROOT, path);
      let content: string;
      try {
        content = readFileSync(file, "utf8");
      } catch {
        return []; // deleted in the work tree, not yet committed
      }
      return content.includes("\0") ? [] : outsideReferences(PROJECT_ROOT, file, content);
    });
    expect(findings).toEqual([]);
  });

  test("the scan catches each way a file has reached outside", () => {
    const file = join(PROJECT_ROOT, "test", "sandbox", "fixtures.ts");
    const bad = [
      'export const SHARED = join(PROJECT_ROOT, "..", "shared", "csc-v0.1");',
      'const upstream = readFileSync("../shared/csc-v0.1/NOTICE");',
      'const dir = "/work/shared/DESIGN.md";',
      'const sibling = join(import.meta.dir, "..", "..", "..", "other-repo");',
      'const up = resolve(ROOT, "../x");',
    ];
    for (const line of bad) {
      expect({ line, found: outsideReferences(PROJECT_ROOT, file, line).length > 0 }).toEqual({ line, found: true });
    }
    const fine = [
      'export const CSC_DIR = join(PROJECT_ROOT, "test", "fixtures", "csc");',
      'const ROOT = join(import.meta.dir, "..", "..");',
      // A policy path in a benchmark, not a file read.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the line is source text holding a template
      'read_paths: ["/workspace/app/**", `/workspace/app/src/module${i}/../shared`],',
      'const sub = join(PROJECT_ROOT, "test", "..", "src");',
    ];
    for (const line of fine)
      expect({ line, found: outsideReferences(PROJECT_ROOT, file, line) }).toEqual({ line, found: [] });
  });
});
