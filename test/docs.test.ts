/**
 * Drift tests: README.md and SECURITY.md say what the code does. Every
 * command in --help is in the README's command table and the other way
 * round; the exit-code table is ExitCode; every environment variable the
 * source reads is documented in SECURITY.md.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../src/core/errors.ts";
import { PROJECT_ROOT, runTollgate, sourceFiles } from "./helpers.ts";

const README = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
const SECURITY = readFileSync(join(PROJECT_ROOT, "SECURITY.md"), "utf8");

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`no "## ${heading}" section`);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .slice(1)
    .map((line) =>
      line
        .slice(2, -2)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** `tollgate crash rm FP \| --all` -> "crash rm" */
function commandPath(cell: string): string {
  const words = (cell.match(/`tollgate ([^`]*)`/)?.[1] ?? "").split(" ");
  const path: string[] = [];
  for (const word of words) {
    if (!/^[a-z][a-z-]*$/.test(word)) break;
    path.push(word);
  }
  return path.join(" ");
}

interface HelpNode {
  path: string;
  description: string;
  children: string[];
}

/** Walks the command tree through `--help`, as a user would. */
function helpTree(path: string[] = []): HelpNode[] {
  const result = runTollgate([...path, "--help"]);
  expect(result.code).toBe(ExitCode.ok);
  const description = result.stdout.split("\n")[0]?.replace(/ \(tollgate.*\)$/, "") ?? "";
  const commands = result.stdout.split("COMMANDS")[1] ?? "";
  const children = [...commands.matchAll(/^ +([a-z][a-z-]*) {2,}/gm)].map((match) => match[1] as string);
  const node = { path: path.join(" "), description, children };
  return [node, ...children.flatMap((child) => helpTree([...path, child]))];
}

describe("README.md", () => {
  const tree = helpTree();

  test("the command table lists every command --help shows, and nothing else", () => {
    const documented = tableRows(section(README, "Commands"))
      .map((row) => commandPath(row[0] ?? ""))
      .filter((path) => path !== "");
    const leaves = tree.filter((node) => node.children.length === 0).map((node) => node.path);
    // Every leaf is documented; a group is documented only when it also runs on its own (`tollgate config`).
    expect(leaves.filter((path) => !documented.includes(path))).toEqual([]);
    expect(documented.filter((path) => !tree.some((node) => node.path === path))).toEqual([]);
  });

  test("every command has a description in its --help", () => {
    for (const node of tree) expect(node.description.length).toBeGreaterThan(10);
  });

  test("the exit-code table is the one the code uses", () => {
    const documented = tableRows(section(README, "Exit codes")).map((row) => Number(row[0]));
    expect(documented).toEqual(Object.values(ExitCode));
  });

  test("gives the two fresh-clone commands", () => {
    const fromClone = section(README, "From a clone");
    // The main job: the gates on tollgate itself (scripts/test-all.sh runs the same command).
    expect(fromClone).toContain("./dist/tollgate ci");
    expect(fromClone).toContain("npm run test:all");
  });
});

describe("SECURITY.md", () => {
  test("documents every environment variable the source reads", () => {
    const names = new Set<string>();
    for (const file of sourceFiles(join(PROJECT_ROOT, "src"))) {
      for (const match of readFileSync(file, "utf8").matchAll(/\benv(?:\?)?\.([A-Z][A-Z0-9_]+)/g)) {
        names.add(match[1] as string);
      }
    }
    for (const file of [join(PROJECT_ROOT, "install.sh")]) {
      for (const match of readFileSync(file, "utf8").matchAll(/\$\{?(TOLLGATE_[A-Z0-9_]+)/g))
        names.add(match[1] as string);
    }
    expect(names.size).toBeGreaterThan(5);
    const missing = [...names].filter((name) => !SECURITY.includes(`\`${name}`));
    expect(missing).toEqual([]);
  });

  test("documents no tollgate variable that nothing reads", () => {
    const readers = [
      ...sourceFiles(join(PROJECT_ROOT, "src")),
      ...sourceFiles(join(PROJECT_ROOT, "scripts")),
      join(PROJECT_ROOT, "install.sh"),
    ].map((file) => readFileSync(file, "utf8"));
    const documented = [...section(SECURITY, "Environment variables").matchAll(/`(TOLLGATE_[A-Z0-9_]+)/g)].map(
      (match) => match[1] as string,
    );
    expect(documented.length).toBeGreaterThan(2);
    expect(documented.filter((name) => !readers.some((text) => text.includes(name)))).toEqual([]);
  });

  test("names the variables stripped from children", () => {
    expect(section(SECURITY, "Environment variables")).toMatch(
      /Stripped from every child process.*`BUN_BE_BUN`, `BUN_OPTIONS`/s,
    );
  });
});
