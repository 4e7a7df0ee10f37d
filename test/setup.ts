/** Preloaded by bunfig.toml before every test run. */
import { afterAll, setDefaultTimeout } from "bun:test";
import { removeCreatedDirs } from "./helpers.ts";

// The e2e suites compile and drive the real binary and real tools. bunfig's [test] timeout is not
// applied by bun 1.4.5 (its default of 5 s was), so the preload sets it.
setDefaultTimeout(60_000);

afterAll(removeCreatedDirs, 120_000);
