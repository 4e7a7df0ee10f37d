/**
 * The step result cache. A step's key covers everything its output depends
 * on: tollgate's version, the tool and its version, the exact commands and
 * environment, the resolved gates config, and everything under the project
 * root a tool could read, whatever git thinks of it: ignored files (a
 * generated `config_local.py`), folders of any name (a package `reports/`),
 * tool configs and lockfiles. Only tollgate's own `.tollgate/` and the
 * reports tollgate's steps write are left out. Installed dependencies are
 * keyed on cheap metadata instead of their content: a virtual environment
 * (a folder holding `pyvenv.cfg`) on its `pyvenv.cfg`, interpreter links,
 * site-packages listing, `*.dist-info`/`*.egg-info` names (name and version)
 * and `.pth` files; a `node_modules` folder on its package manager's own
 * lockfile (`.package-lock.json`, `.modules.yaml`, `.yarn-state.yml`) and
 * each top-level package's name and version. A `.git` folder counts by
 * its HEAD and the ref it names. A symlink counts as its target string and
 * is never followed; one that leads out of the root to something a tool
 * may read makes the inputs unknowable, and an unknowable input means the
 * step is not cached at all.
 *
 * File hashes are remembered by (size, mtime, ctime, inode), so an unchanged
 * tree is hashed without reading it.
 */
import {
  closeSync,
  constants,
  type Dirent,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
} from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import * as v from "valibot";
import { canonicalJson, ensurePrivateDir, sha256Hex, writeFileAtomic } from "../core/index.ts";
import type { StepOutput, StepSpec } from "./steps.ts";

const MAX_CACHED_STEP_BYTES = 32 * 1024 * 1024;
/** More entries than this under the root and the inputs are not hashed: nothing is cached. */
const MAX_INPUT_ENTRIES = 300_000;
/** Package managers' own records of what is installed in a node_modules folder. */
const NODE_MODULES_LOCKS = [".package-lock.json", ".modules.yaml", ".yarn-state.yml", ".yarn-integrity"];

const HashEntrySchema = v.tuple([v.string(), v.number(), v.number(), v.number(), v.number()]);
const HashIndexSchema = v.record(v.string(), HashEntrySchema);
type HashIndex = v.InferOutput<typeof HashIndexSchema>;

export interface InputHasher {
  /**
   * One digest over everything under the root a tool could read (see the
   * module comment), or undefined when that cannot be known (an unreadable
   * folder, a symlink out of the root, too many files): do not cache.
   */
  digest(): string | undefined;
  /** Remembers the hashes for the next run. */
  save(): void;
}

interface InputHasherOptions {
  /** Files or folders (absolute) tollgate itself writes under the root: reports, never inputs. */
  exclude?: readonly string[];
}

/**
 * A regular file's bytes, opened without following a symlink and without
 * blocking (a file swapped for a FIFO mid-walk must not hang the run).
 */
function readRegular(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    if (!fstatSync(fd).isFile()) throw new Unknowable();
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Thrown inside the walk when an input cannot be known; the digest is then undefined. */
class Unknowable extends Error {}

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export function inputHasher(root: string, stateDir: string, options: InputHasherOptions = {}): InputHasher {
  const indexPath = join(stateDir, "cache", "file-hashes.json");
  const previous = readJsonFile(indexPath, HashIndexSchema) ?? {};
  const next: HashIndex = {};
  const excluded = new Set(
    (options.exclude ?? []).filter((path) => isInside(root, path)).map((path) => relative(root, path)),
  );
  excluded.add(".tollgate");

  /** A regular file's content hash, from the index when its stat is unchanged. Key: `path` (root-relative or absolute). */
  const hashOf = (key: string, path: string): string => {
    const stat = lstatSync(path);
    if (!stat.isFile()) return stat.isSymbolicLink() ? `link:${readlinkSync(path)}` : "not-a-file";
    const known = previous[key];
    if (
      known &&
      known[1] === stat.size &&
      known[2] === stat.mtimeMs &&
      known[3] === stat.ctimeMs &&
      known[4] === stat.ino
    ) {
      next[key] = known;
      return known[0];
    }
    const hash = sha256Hex(readRegular(path));
    next[key] = [hash, stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino];
    return hash;
  };

  let memo: { digest: string | undefined } | undefined;
  const compute = (): string | undefined => {
    const lines: string[] = [];
    const add = (line: string) => {
      lines.push(line);
      if (lines.length > MAX_INPUT_ENTRIES) throw new Unknowable();
    };
    const list = (path: string): Dirent[] => readdirSync(path, { withFileTypes: true }).sort(byName);
    const optional = (rel: string, path: string) => {
      if (existsSync(path)) add(`F ${rel}\0${hashOf(rel, path)}`);
    };
    const realRoot = realpathSync(root);

    const venv = (rel: string, path: string) => {
      add(`V ${rel}`);
      optional(`${rel}/pyvenv.cfg`, join(path, "pyvenv.cfg"));
      for (const bin of ["bin", "Scripts"]) {
        if (!existsSync(join(path, bin))) continue;
        for (const entry of list(join(path, bin))) {
          if (entry.isSymbolicLink())
            add(`L ${rel}/${bin}/${entry.name}\0${readlinkSync(join(path, bin, entry.name))}`);
        }
      }
      const sites: string[] = [];
      for (const lib of ["lib", "lib64", "Lib"]) {
        const libPath = join(path, lib);
        if (!existsSync(libPath) || lstatSync(libPath).isSymbolicLink()) continue;
        if (existsSync(join(libPath, "site-packages"))) sites.push(`${lib}/site-packages`);
        for (const entry of list(libPath)) {
          if (entry.isDirectory() && existsSync(join(libPath, entry.name, "site-packages"))) {
            sites.push(`${lib}/${entry.name}/site-packages`);
          }
        }
      }
      for (const site of sites) {
        for (const entry of list(join(path, site))) {
          const name = `${rel}/${site}/${entry.name}`;
          if (entry.name.endsWith(".pth") || entry.name.endsWith(".egg-link")) {
            add(`F ${name}\0${hashOf(name, join(path, site, entry.name))}`);
          } else if (entry.isSymbolicLink()) add(`L ${name}\0${readlinkSync(join(path, site, entry.name))}`);
          else add(`N ${name}`);
        }
      }
    };

    const nodePackage = (rel: string, path: string, entry: Dirent) => {
      const name = `${rel}/${entry.name}`;
      const full = join(path, entry.name);
      if (entry.isSymbolicLink()) return add(`L ${name}\0${readlinkSync(full)}`);
      if (!entry.isDirectory()) return add(`N ${name}`);
      const manifest = join(full, "package.json");
      if (!existsSync(manifest)) return add(`N ${name}`);
      try {
        const { name: pkg, version } = JSON.parse(readRegular(manifest).toString("utf8")) as Record<string, unknown>;
        add(`P ${name}\0${String(pkg)}@${String(version)}`);
      } catch {
        add(`F ${name}/package.json\0${hashOf(`${name}/package.json`, manifest)}`);
      }
    };

    const nodeModules = (rel: string, path: string) => {
      add(`M ${rel}`);
      for (const lock of NODE_MODULES_LOCKS) optional(`${rel}/${lock}`, join(path, lock));
      for (const entry of list(path)) {
        if (entry.name.startsWith(".")) continue;
        if (entry.name.startsWith("@") && entry.isDirectory()) {
          for (const scoped of list(join(path, entry.name)))
            nodePackage(`${rel}/${entry.name}`, join(path, entry.name), scoped);
        } else nodePackage(rel, path, entry);
      }
    };

    const gitDir = (rel: string, path: string) => {
      add(`G ${rel}`);
      const head = join(path, "HEAD");
      if (!existsSync(head)) return;
      add(`F ${rel}/HEAD\0${hashOf(`${rel}/HEAD`, head)}`);
      const ref = /^ref: (refs\/[^\0\n]+)\n?$/.exec(readRegular(head).toString("utf8"))?.[1];
      if (ref !== undefined && !ref.split("/").includes("..")) optional(`${rel}/${ref}`, join(path, ref));
      optional(`${rel}/packed-refs`, join(path, "packed-refs"));
    };

    /** A folder's inputs, by what it is (not by its name alone). */
    const folder = (rel: string, path: string, name: string) => {
      if (existsSync(join(path, "pyvenv.cfg"))) venv(rel, path);
      else if (name === "node_modules") nodeModules(rel, path);
      else if (name === ".git") gitDir(rel, path);
      else walk(rel, path);
    };

    const link = (rel: string, path: string, name: string) => {
      add(`L ${rel}\0${readlinkSync(path)}`);
      let target: string;
      try {
        target = realpathSync(path);
      } catch {
        return; // dangling, or a loop: nothing to read through it
      }
      if (isInside(realRoot, target)) return; // its target is hashed where it lies
      // Out of the root: a virtual environment or node_modules elsewhere is keyed as one; anything else is unknowable.
      const stat = lstatSync(target);
      if (stat.isDirectory() && (existsSync(join(target, "pyvenv.cfg")) || name === "node_modules")) {
        folder(rel, target, name);
        return;
      }
      throw new Unknowable();
    };

    const walk = (rel: string, path: string) => {
      for (const entry of list(path)) {
        const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
        if (excluded.has(childRel)) continue;
        const child = join(path, entry.name);
        if (entry.isSymbolicLink()) link(childRel, child, entry.name);
        else if (entry.isDirectory()) folder(childRel, child, entry.name);
        else if (entry.isFile()) add(`F ${childRel}\0${hashOf(childRel, child)}`);
        // A FIFO, socket or device is never opened (reading a FIFO blocks): its kind and name count.
        else add(`S ${childRel}`);
      }
    };

    try {
      walk("", root);
    } catch {
      // Unknowable, an unreadable folder or file, a file gone while walking: unsure, so no cache.
      return undefined;
    }
    return sha256Hex(lines.join("\n"));
  };
  return {
    digest() {
      memo ??= { digest: compute() };
      return memo.digest;
    },
    save() {
      ensurePrivateDir(join(stateDir, "cache"));
      writeFileAtomic(indexPath, JSON.stringify(next));
    },
  };
}

function readJsonFile<S extends v.GenericSchema>(path: string, schema: S): v.InferOutput<S> | undefined {
  try {
    const result = v.safeParse(schema, JSON.parse(readFileSync(path, "utf8")));
    return result.success ? result.output : undefined;
  } catch {
    return undefined;
  }
}

export function stepCacheKey(
  spec: StepSpec,
  context: { tollgateVersion: string; config: unknown; inputs: string },
): string {
  return sha256Hex(
    canonicalJson({
      tollgate: context.tollgateVersion,
      tool: spec.tool,
      toolVersion: spec.toolVersion,
      cwd: spec.cwd,
      commands: spec.commands,
      env: spec.env ?? {},
      reports: spec.reports,
      config: context.config,
      inputs: context.inputs,
    }),
  );
}

const CommandOutputSchema = v.object({
  argv: v.array(v.string()),
  exitCode: v.nullable(v.number()),
  timedOut: v.boolean(),
  stdout: v.string(),
  stderr: v.string(),
});
const StepOutputSchema = v.object({
  key: v.string(),
  tool: v.string(),
  toolVersion: v.string(),
  commands: v.array(CommandOutputSchema),
  reports: v.record(v.string(), v.nullable(v.string())),
  durationMs: v.number(),
  cached: v.boolean(),
});

export interface StepCache {
  get(key: string): StepOutput | undefined;
  put(key: string, output: StepOutput): void;
}

/** Step outputs stored under `.tollgate/cache/steps/`, one file per key. A damaged entry is a miss. */
export function stepCache(stateDir: string): StepCache {
  const dir = join(stateDir, "cache", "steps");
  return {
    get(key) {
      const output = readJsonFile(join(dir, `${key}.json`), StepOutputSchema);
      return output === undefined ? undefined : { ...output, cached: true };
    },
    put(key, output) {
      // A tool that did not finish says nothing about the inputs; it runs again next time.
      if (output.commands.some((command) => command.timedOut || command.exitCode === null)) return;
      const text = JSON.stringify(output);
      if (text.length > MAX_CACHED_STEP_BYTES) return;
      ensurePrivateDir(dir);
      writeFileAtomic(join(dir, `${key}.json`), text);
    },
  };
}
