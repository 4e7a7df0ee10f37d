/** Preloaded by bunfig.toml before every test run. */
import { afterAll } from "bun:test";
import { removeCreatedDirs } from "./helpers.ts";

afterAll(removeCreatedDirs, 120_000);
