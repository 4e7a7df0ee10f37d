/** The gates module as other modules see it: the doctor checks, project detection, tool probes. */
export { gatesChecks } from "./checks.ts";
export { type Detection, detectProject, type JsProject, type PythonProject } from "./detect.ts";
export { memoryFs } from "./detect-fs.ts";
export { type ProbeRunner, probeTools, realRunner, type ToolProbe } from "./probe.ts";
export { parseVersion } from "./tools.ts";
