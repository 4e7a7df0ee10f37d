/**
 * The module dependency direction of DESIGN.md, enforced:
 *   core <- crash;  core <- receipts <- sandbox <- gates <- agent <- dashboard
 * and the runtime seam: Bun-only APIs only in src/core/runtime*.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { PROJECT_ROOT, sourceFiles } from "./helpers.ts";

const SRC = join(PROJECT_ROOT, "src");

/** What each module may import besides itself. */
const ALLOWED: Record<string, readonly string[]> = {
  core: [],
  crash: ["core"],
  receipts: ["core"],
  sandbox: ["core", "receipts"],
  gates: ["core", "receipts", "sandbox"],
  agent: ["core", "receipts", "sandbox", "gates"],
  dashboard: ["core", "receipts", "sandbox", "gates", "agent"],
};

/** Files at the top of src/ that wire modules together: main.ts (entry), cli.ts (command tree), doctor.ts. */
const ROOT_FILES = new Set(["main.ts", "cli.ts", "doctor.ts"]);

const IMPORT = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(source: string): string[] {
  return [...source.matchAll(IMPORT)].map((match) => (match[1] ?? match[2]) as string);
}

interface Edge {
  from: string;
  to: string;
}

function localEdges(): Edge[] {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(readFileSync(file, "utf8"))
      .filter((spec) => spec.startsWith("."))
      .map((spec) => ({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), spec)) })),
  );
}

function moduleOf(path: string): string | undefined {
  return path.includes("/") ? path.split("/")[0] : undefined;
}

function backwardImports(edges: Edge[]): Edge[] {
  return edges.filter((edge) => {
    const from = moduleOf(edge.from);
    const to = moduleOf(edge.to);
    if (from === undefined || to === undefined || from === to) return false;
    return !(ALLOWED[from] ?? []).includes(to);
  });
}

function importsPastIndex(edges: Edge[]): Edge[] {
  return edges.filter((edge) => {
    const from = moduleOf(edge.from);
    const to = moduleOf(edge.to);
    if (to === undefined || from === to || edge.to.endsWith("/index.ts")) return false;
    // The root files load each module's commands lazily and may use core files directly (start-up speed).
    const rootException = edge.to.endsWith("/commands.ts") || edge.to.startsWith("core/");
    return !(from === undefined && rootException);
  });
}

/** Nothing imports main.ts; only root files import root files. */
function rootFileImports(edges: Edge[]): Edge[] {
  return edges.filter((edge) => ROOT_FILES.has(edge.to) && (edge.to === "main.ts" || !ROOT_FILES.has(edge.from)));
}

describe("architecture", () => {
  const edges = localEdges();

  test("the import graph has edges to check (the parser works)", () => {
    expect(edges.some((edge) => edge.from === "cli.ts" && edge.to === "core/errors.ts")).toBe(true);
    expect(edges.some((edge) => edge.from === "doctor.ts" && edge.to === "crash/index.ts")).toBe(true);
  });

  test("every src folder is a known module", () => {
    const folders = readdirSync(SRC, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    for (const folder of folders) expect(Object.keys(ALLOWED)).toContain(folder);
  });

  test("modules depend forward only", () => {
    expect(backwardImports(edges)).toEqual([]);
  });

  test("modules reach each other only through index.ts", () => {
    expect(importsPastIndex(edges)).toEqual([]);
  });

  test("nothing imports main.ts, and only root files import root files", () => {
    expect(rootFileImports(edges)).toEqual([]);
  });

  test("the rules catch what they forbid", () => {
    const bad: Edge[] = [
      { from: "core/paths.ts", to: "crash/index.ts" },
      { from: "receipts/sign.ts", to: "sandbox/index.ts" },
      { from: "sandbox/exec.ts", to: "receipts/keys.ts" },
      { from: "crash/store.ts", to: "main.ts" },
      { from: "crash/store.ts", to: "doctor.ts" },
    ];
    expect(backwardImports(bad)).toEqual([bad[0], bad[1]] as Edge[]);
    expect(importsPastIndex(bad)).toEqual([bad[2]] as Edge[]);
    expect(rootFileImports(bad)).toEqual([bad[3], bad[4]] as Edge[]);
  });

  test("Bun-only APIs stay behind src/core/runtime*", () => {
    const bunOnly = /from\s+["']bun(:[a-z]+)?["']|\bBun\.[A-Za-z$]+|\bDeno\.[A-Za-z]+/;
    const leaks = sourceFiles(SRC)
      .map((file) => relative(SRC, file))
      .filter((file) => !file.startsWith("core/runtime"))
      .filter((file) => bunOnly.test(readFileSync(join(SRC, file), "utf8")));
    expect(leaks).toEqual([]);
  });
});

/** Files and packages `main.ts` loads before any subcommand is chosen (static imports only). */
function eagerClosure(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(join(SRC, file), "utf8");
    for (const match of source.matchAll(/^(?:import|export)\s(?!type\b)[^'"]*?from\s*["']([^"']+)["']/gm)) {
      const spec = match[1] as string;
      if (spec.startsWith(".")) visit(relative(SRC, resolve(dirname(join(SRC, file)), spec)));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { files, packages };
}

test("tollgate --version loads nothing heavy: the command tree and every package load lazily", () => {
  const { files, packages } = eagerClosure("main.ts");
  expect([...files].sort()).toEqual(["core/build-info.ts", "core/runtime.ts", "main.ts"]);
  expect([...packages]).toEqual([]);
  const cli = eagerClosure("cli.ts");
  expect([...cli.files].filter((file) => !file.startsWith("core/") && file !== "cli.ts")).toEqual([]);
  expect([...cli.packages].filter((name) => !name.startsWith("node:") && name !== "citty")).toEqual([]);
});

describe("the import parser", () => {
  test("sees static, re-exported and lazy imports", () => {
    const source = `import { a } from "./a.ts";\nexport { b } from "../b/index.ts";\nconst c = () => import("./c.ts");\nimport type { D } from "./d.ts";`;
    expect(importsOf(source)).toEqual(["./a.ts", "../b/index.ts", "./c.ts", "./d.ts"]);
  });
});

test("every spawn outside core/process.ts builds its environment with childEnv (which strips BUN_BE_BUN, BUN_OPTIONS)", () => {
  const spawning = sourceFiles(SRC)
    .map((file) => relative(SRC, file))
    .filter((file) => file !== "core/process.ts")
    .filter((file) => /from\s+["']node:child_process["']/.test(readFileSync(join(SRC, file), "utf8")));
  expect(spawning.length).toBeGreaterThan(0);
  for (const file of spawning) expect(readFileSync(join(SRC, file), "utf8")).toContain("env: childEnv(");
});
