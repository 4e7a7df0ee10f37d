import { accessSync, constants, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import { childEnv, once, runProcess } from "../core/index.ts";
import type { Detection, Project } from "./detect.ts";
import { type Gate, installCommand, localBinDirs, parseVersion, TOOLS, type ToolSpec } from "./tools.ts";

/** How probing touches the machine; tests pass a fake. */
export interface ProbeRunner {
  /** The first executable named `bin` in `dirs` (absolute, in order), then on PATH. */
  which(bin: string, dirs: readonly string[]): string | undefined;
  run(argv: readonly string[]): Promise<{ exitCode: number | null; timedOut: boolean; output: string }>;
}

export type ToolStatus =
  /** `module`: run as `path -m module` (a tool installed in the venv without its script, Debian's packages in a system-site-packages venv). */
  | { state: "found"; path: string; version: string; module?: string }
  | { state: "missing"; install: string }
  /** Found, but `--version` timed out or failed: the install is broken. */
  | { state: "broken"; path: string; problem: string };

export interface ToolProbe {
  tool: string;
  project: Project;
  gates: Gate[];
  status: ToolStatus;
}

/** A version probe is a quick start-up; a tool that needs longer than this is reported, not waited for. */
const PROBE_TIMEOUT_MS = 10_000;
const PROBE_CONCURRENCY = 4;

export function realRunner(path: string = process.env.PATH ?? ""): ProbeRunner {
  const pathDirs = path.split(delimiter).filter((dir) => isAbsolute(dir));
  return {
    which(bin, dirs) {
      for (const dir of [...dirs, ...pathDirs]) {
        const candidate = join(dir, bin);
        try {
          accessSync(candidate, constants.X_OK);
          if (statSync(candidate).isFile()) return candidate;
        } catch {
          // not in this folder
        }
      }
      return undefined;
    },
    async run(argv) {
      const result = await runProcess(argv, { timeoutMs: PROBE_TIMEOUT_MS, env: childEnv(), graceMs: 500 });
      return {
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        output: `${result.stdout.text}\n${result.stderr.text}`.trim(),
      };
    },
  };
}

/**
 * Finds every tool each detected project uses, and its version, with at most
 * a few probes at a time. Nothing is installed or downloaded.
 */
export async function probeTools(detection: Detection, runner: ProbeRunner = realRunner()): Promise<ToolProbe[]> {
  const wanted = detection.projects.flatMap((project) =>
    TOOLS.map((tool) => ({ tool, project, gates: tool.gates(project) })).filter(({ gates }) => gates.length > 0),
  );
  // Projects sharing a hoisted node_modules or a PATH tool share one probe.
  const versions = new Map<string, () => Promise<ToolStatus>>();
  const tasks = wanted.map(({ tool, project, gates }) => async (): Promise<ToolProbe> => {
    const versionOnce = (command: string[]) => {
      const key = [...command, ...tool.versionArgs].join("\0");
      const probe = versions.get(key) ?? once(() => versionOf(runner, tool, command));
      versions.set(key, probe);
      return probe();
    };
    const dirs = localBinDirs(tool, project).map((dir) => join(detection.root, dir));
    const found = runner.which(tool.bin, dirs);
    const local = found !== undefined && dirs.some((dir) => found.startsWith(`${dir}/`));
    // The project's venv python with the module comes before a PATH script: that one belongs to another interpreter.
    const venvPython = !local && tool.module && dirs[0] ? runner.which("python", dirs) : undefined;
    const python = venvPython?.startsWith(`${dirs[0]}/`) ? venvPython : undefined;
    const path = python === undefined ? found : undefined;
    if (path === undefined && python === undefined) {
      return { tool: tool.name, project, gates, status: { state: "missing", install: installCommand(tool, project) } };
    }
    const command = python === undefined ? [path as string] : [python, "-m", tool.module as string];
    const status = await versionOnce(command);
    // A venv python without the module: the tool is not installed there; a PATH script may still be.
    if (python !== undefined && status.state === "broken") {
      const fallback = found === undefined ? undefined : await versionOnce([found]);
      const missing: ToolStatus = { state: "missing", install: installCommand(tool, project) };
      return { tool: tool.name, project, gates, status: fallback ?? missing };
    }
    return { tool: tool.name, project, gates, status };
  });
  return pool(tasks, PROBE_CONCURRENCY);
}

/** The argv prefix that runs a found tool. */
export function toolCommand(status: Extract<ToolStatus, { state: "found" }>): string[] {
  return status.module === undefined ? [status.path] : [status.path, "-m", status.module];
}

async function versionOf(runner: ProbeRunner, tool: ToolSpec, command: readonly string[]): Promise<ToolStatus> {
  const [path, , module] = command as [string, string?, string?];
  const argv = [...command, ...tool.versionArgs];
  try {
    const result = await runner.run(argv);
    if (result.timedOut) return { state: "broken", path, problem: `\`${argv.join(" ")}\` timed out` };
    if (result.exitCode !== 0) {
      const firstLine = result.output.split("\n")[0] ?? "";
      return { state: "broken", path, problem: `\`${argv.join(" ")}\` exited ${result.exitCode}: ${firstLine}` };
    }
    const version = parseVersion(result.output) ?? "unknown version";
    return module === undefined ? { state: "found", path, version } : { state: "found", path, version, module };
  } catch (error) {
    return { state: "broken", path, problem: `\`${argv.join(" ")}\` could not start: ${(error as Error).message}` };
  }
}

/** Runs `tasks` with at most `limit` at a time; results in the tasks' order. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
