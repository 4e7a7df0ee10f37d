/** The crash module as other modules see it: the boundary main.ts calls, and the doctor checks. */
export { reportCrash } from "./boundary.ts";
export { crashChecks } from "./checks.ts";
