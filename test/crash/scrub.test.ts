import { describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import fc from "fast-check";
import { redactTokens, type ScrubContext, scrubContext, scrubText } from "../../src/crash/scrub.ts";

const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

/** Paths compare the way their platform does: Windows ignores case and separator style. */
function containsPath(text: string, path: string): boolean {
  if (!/^[A-Za-z]:/.test(path)) return text.includes(path);
  const normal = (value: string) => value.toLowerCase().replace(/\\/g, "/");
  return normal(text).includes(normal(path));
}

const home = fc.oneof(
  segment.map((name) => `/home/${name}`),
  segment.map((name) => `/Users/${name}`),
  fc.tuple(segment, segment).map(([run, name]) => `/tmp/${run}/canary-home-${name}`),
  segment.map((name) => `/var/lib/${name}`),
  segment.map((name) => `C:\\Users\\${name}`),
);

/** A project root under the home folder or elsewhere. */
const layout = fc.tuple(home, fc.boolean(), segment, segment).map(([homeDir, underHome, a, b]) => ({
  home: homeDir,
  project: underHome
    ? `${homeDir}${homeDir.startsWith("C:") ? "\\" : "/"}${a}${homeDir.startsWith("C:") ? "\\" : "/"}canary-project-${b}`
    : `/srv/${a}/canary-project-${b}`,
  tmp: `/tmp/${a}-${b}/canary-tmp`,
}));

type Layout = { home: string; project: string; tmp: string };

/** Text in which the layout's paths appear the ways they do in stacks and messages. */
function textAround(paths: Layout, glue: fc.Arbitrary<string>) {
  const path = fc.constantFrom(paths.home, paths.project, paths.tmp);
  const fragment = fc.oneof(
    path,
    fc.tuple(path, segment).map(([base, rest]) => `${base}/${rest}.ts:3:9`),
    fc.tuple(path, segment).map(([base, rest]) => `    at ${rest} (${base}\\src\\${rest}.ts:12:4)`),
    path.map((base) => `file://${base.startsWith("C:") ? `/${base.replace(/\\/g, "/")}` : encodeURI(base)}/x.ts`),
    path.map((base) => (base.startsWith("C:") ? base.toUpperCase() : base)),
    fc.string({ maxLength: 12 }),
  );
  return fc
    .array(fc.tuple(fragment, glue), { minLength: 1, maxLength: 8 })
    .map((parts) => parts.map(([part, sep]) => part + sep).join(""));
}

function contextFor(paths: Layout): ScrubContext {
  return { homes: [paths.home], projects: [paths.project], tmpDirs: [], hostname: "canary-host-x1" };
}

describe("scrubText properties", () => {
  test("the home folder and the project root never survive, however the text glues paths together", () => {
    const anyGlue = fc.constantFrom("", " ", "\n", "(", ":", "/", "\\", "'", "=");
    fc.assert(
      fc.property(
        layout.chain((paths) => fc.tuple(fc.constant(paths), textAround(paths, anyGlue))),
        ([paths, text]) => {
          const out = scrubText(text, contextFor(paths));
          expect(containsPath(out, paths.home)).toBe(false);
          expect(containsPath(out, paths.project)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("a canary temp path standing on its own never survives", () => {
    const separator = fc.constantFrom(" ", "\n", "(", ":", "'", "=", '"');
    fc.assert(
      fc.property(
        layout.chain((paths) => fc.tuple(fc.constant(paths), textAround(paths, separator))),
        ([paths, text]) => {
          expect(scrubText(text, contextFor(paths)).includes(paths.tmp)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("output never contains the home folder, whatever the text", () => {
    fc.assert(
      fc.property(home, fc.array(fc.oneof(fc.string(), home), { maxLength: 6 }), (homeDir, parts) => {
        const text = parts.join(homeDir);
        expect(containsPath(scrubText(text, { homes: [homeDir] }), homeDir)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  test("the longer, more specific prefix wins: a project under home becomes <project>, not ~/...", () => {
    fc.assert(
      fc.property(home, segment, segment, (homeDir, dir, file) => {
        const sep = homeDir.startsWith("C:") ? "\\" : "/";
        const project = `${homeDir}${sep}${dir}`;
        const out = scrubText(`${project}${sep}src${sep}${file}.ts:3:1`, { homes: [homeDir], projects: [project] });
        expect(out).toBe(`<project>${sep}src${sep}${file}.ts:3:1`);
      }),
    );
  });
});

describe("scrubText examples", () => {
  const context: ScrubContext = {
    homes: ["/home/alice"],
    projects: ["/home/alice/work/tollgate"],
    tmpDirs: ["/var/tmp/run-42"],
    hostname: "build-box.corp.example",
  };

  test.each([
    ["/home/alice/notes.txt", "~/notes.txt"],
    ["/home/alice/work/tollgate/src/core/x.ts:12:4", "<project>/src/core/x.ts:12:4"],
    ["file:///home/alice/work/tollgate/src/x.ts:1:2", "<project>/src/x.ts:1:2"],
    ["file:///home/alice/My%20Docs/a.ts", "~/My Docs/a.ts"],
    ["/tmp/tollgate-test-abc/x", "<tmp>/tollgate-test-abc/x"],
    ["/var/tmp/run-42/y", "<tmp>/y"],
    ["/var/folders/zz/zyxvpxvq6csfxvn_n0000000000000/T/tollgate/a.ts", "<tmp>/tollgate/a.ts"],
    ["/private/var/folders/zz/abc123/T/x", "<tmp>/x"],
    ["/home/bob/.ssh/id", "~/.ssh/id"],
    ["/Users/carol/Library/x", "~/Library/x"],
    ["/root/.bashrc", "~/.bashrc"],
    ["C:\\Users\\Dave\\AppData\\Local\\Temp\\x.ts", "<tmp>\\x.ts"],
    ["c:\\users\\dave\\proj\\src\\x.ts:3:9", "~\\proj\\src\\x.ts:3:9"],
    ["file:///C:/Users/Dave/proj/src/x.ts:3:9", "~/proj/src/x.ts:3:9"],
    ["C:\\Windows\\Temp\\a", "<tmp>\\a"],
    ["/$bunfs/root/src/core/x.ts:3:9", "src/core/x.ts:3:9"],
    ["B:/~BUN/root/src/core/x.ts:3:9", "src/core/x.ts:3:9"],
    ["B:\\~BUN\\root\\tollgate", "tollgate"],
    ["connect to build-box.corp.example failed", "connect to <host> failed"],
    ["BUILD-BOX:22", "<host>:22"],
    ["/home/alicex/a", "~/a"],
    ["src/core/x.ts:12:run", "src/core/x.ts:12:run"],
  ])("%s -> %s", (input, expected) => {
    expect(scrubText(input, context)).toBe(expected);
  });

  test("a folder that only starts like home is still never left holding the home path", () => {
    expect(scrubText("/opt/alice-data", { homes: ["/opt/alice"] })).not.toContain("/opt/alice");
  });

  test("the root folder or a bare drive is never treated as a prefix", () => {
    expect(scrubText("/usr/lib/x.so", { homes: ["/"], projects: ["C:\\"] })).toBe("/usr/lib/x.so");
  });
});

describe("redactTokens", () => {
  test.each([
    ["key sk-canary0123456789abcdef end", "key <redacted> end"],
    ["sk-ant-api03-AbC_dEf-0123456789", "<redacted>"],
    ["token ghp_0123456789abcdefABCDEF0123456789abcd", "token <redacted>"],
    ["github_pat_11AAAAAAA0123456789_abcdefghijklmnop", "<redacted>"],
    ["xoxb-1234567890-abcdefghij", "<redacted>"],
    ["AKIAIOSFODNN7EXAMPLE", "<redacted>"],
    ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", "<redacted>"],
    ["sha 0123456789abcdef0123456789abcdef01234567", "sha <redacted>"],
    ["blob QmFzZTY0IGVuY29kZWQgc2VjcmV0IHZhbHVlIGhlcmUx==", "blob <redacted>"],
    ["mail alice.smith+ci@mail.example.org now", "mail <email> now"],
  ])("%s", (input, expected) => {
    expect(redactTokens(input)).toBe(expected);
  });

  test.each([
    "src/core/x.ts:12:run",
    "0123456789abcdef",
    "node_modules/.deno/citty@0.2.2/node_modules/citty/dist/index.mjs",
    "<3 other frames>",
  ])("leaves %s alone", (input) => {
    expect(redactTokens(input)).toBe(input);
  });
});

describe("scrubContext", () => {
  test("takes home from HOME, the project from the folder, and this machine's hostname", () => {
    const context = scrubContext({ HOME: "/home/canary-user", TMPDIR: "/scratch/t" }, "/");
    expect(context.homes).toContain("/home/canary-user");
    expect(context.tmpDirs).toContain("/scratch/t");
    expect(context.hostname).toBe(hostname());
    expect(scrubText(`/home/canary-user/x on ${hostname()}`, context)).toBe("~/x on <host>");
  });
});
