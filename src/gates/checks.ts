import type { DoctorCheck } from "../core/index.ts";
import { enclosingProject, isTollgateError } from "../core/index.ts";
import { loadConfig } from "./config.ts";
import { type ProjectFiles, projectFiles } from "./config-sources.ts";
import { type Detection, detectProject, type Project, type Sourced } from "./detect.ts";
import type { FsView } from "./detect-fs.ts";
import { type ProbeRunner, probeTools, type ToolProbe } from "./probe.ts";
import { CI_GATES } from "./tools.ts";

const section = "gates";

export interface GatesCheckOptions {
  fs?: FsView;
  files?: ProjectFiles;
  runner?: ProbeRunner;
}

/**
 * The doctor's "gates" section: the detected projects and toolchains, each
 * tool found with its version, or missing with the command that installs it.
 * A missing tool fails only when `tollgate ci` needs it (lint, typecheck, test);
 * so does a config file that does not load, since every stage reads it.
 */
export async function gatesChecks(
  root: string | null = enclosingProject() ?? null,
  options: GatesCheckOptions = {},
): Promise<DoctorCheck[]> {
  // Outside a project there is nothing to detect, and scanning the folder's
  // subfolders (a home folder, /tmp) would be slow and meaningless.
  if (root === null) {
    return [
      {
        section,
        name: "project",
        status: "ok",
        detail:
          "not inside a project (no .git, tollgate.toml, pyproject.toml or package.json here or above): no gates to run",
      },
    ];
  }
  const detection = detectProject(root, options.fs);
  if (detection.projects.length === 0) {
    return [
      {
        section,
        name: "project",
        status: "ok",
        detail: `no pyproject.toml, setup.py or package.json in ${root} or its subfolders: no gates to run here`,
      },
    ];
  }
  const probes = await probeTools(detection, options.runner);
  const several = detection.projects.length > 1;
  return [
    ...detection.projects.map((project) => projectCheck(project, several)),
    ...problemChecks(detection),
    configCheck(options.files ?? projectFiles(root)),
    ...probes.map((probe) => toolCheck(probe, several)),
  ];
}

const sourced = (label: string, entry: Sourced<string>) => `${label} ${entry.value} (${entry.source})`;
const folders = (label: string, entries: Sourced<string>[]) =>
  entries.length === 0 ? `no ${label} folder` : entries.map((entry) => sourced(label, entry)).join(", ");

function projectCheck(project: Project, several: boolean): DoctorCheck {
  const toolchain =
    project.toolchain === "python"
      ? [sourced("test runner", project.testRunner), sourced("tools via", project.invoker)]
      : [
          sourced("language", project.language),
          sourced("test runner", project.testRunner),
          sourced("package manager", project.packageManager),
          sourced("linter", project.linter),
        ];
  return {
    section,
    name: several ? `${toolchainName(project)} (${project.dir})` : toolchainName(project),
    status: "ok",
    detail: [
      `found by ${project.marker.source}`,
      folders("source", project.sourceDirs),
      folders("tests", project.testDirs),
      ...toolchain,
    ].join("; "),
  };
}

function problemChecks(detection: Detection): DoctorCheck[] {
  return detection.problems.map((problem) => ({ section, name: "config", status: "warn", detail: problem }));
}

function configCheck(files: ProjectFiles): DoctorCheck {
  try {
    const { file, config } = loadConfig(files);
    return {
      section,
      name: "config",
      status: "ok",
      detail: file ? `${file}, preset ${config.preset}` : `no gates config: preset ${config.preset} and defaults`,
    };
  } catch (error) {
    if (!isTollgateError(error)) throw error;
    return {
      section,
      name: "config",
      status: "fail",
      detail: `${error.message} (fail means \`tollgate ci\` could not run)`,
      fix: "correct the file, then `tollgate config` shows every resolved value and its source",
    };
  }
}

const toolchainName = (project: Project) => (project.toolchain === "python" ? "python" : "js/ts");

function toolCheck(probe: ToolProbe, several: boolean): DoctorCheck {
  // A polyglot folder holds two projects, so the toolchain names which one a tool serves.
  const name = several ? `${probe.tool} (${toolchainName(probe.project)} ${probe.project.dir})` : probe.tool;
  const gates = `${probe.gates.join(", ")} gate${probe.gates.length > 1 ? "s" : ""}`;
  const { status } = probe;
  if (status.state === "found") {
    return { section, name, status: "ok", detail: `${status.version} at ${status.path} (${gates})` };
  }
  const blocking = probe.gates.some((gate) => CI_GATES.has(gate));
  const problem = status.state === "missing" ? "not installed" : `found at ${status.path}, but ${status.problem}`;
  const consequence = blocking
    ? `the ${gates} cannot run (fail means \`tollgate ci\` could not run)`
    : `the advisory ${gates} will report missing`;
  return {
    section,
    name,
    status: blocking ? "fail" : "warn",
    detail: `${problem}: ${consequence}`,
    fix:
      status.state === "missing" ? status.install : `reinstall ${probe.tool}, then check \`${status.path} --version\``,
  };
}
