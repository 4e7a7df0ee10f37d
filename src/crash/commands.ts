// PLACEHOLDER written by the lead; the crash helper replaces this file.
import { defineCommand } from "citty";
export const crashCommand = defineCommand({ meta: { name: "crash", description: "Crash reports" }, subCommands: {} });
