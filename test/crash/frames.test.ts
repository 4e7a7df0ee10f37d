import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  classifyFrames,
  functionName,
  ownFile,
  parseStack,
  raisedInOwnCode,
  sourceRootOf,
  stackBody,
} from "../../src/crash/frames.ts";
import { PROJECT_ROOT } from "../helpers.ts";

/** Stacks as each runtime prints them (recorded on this machine; Windows from Node/Deno docs). */
const STACKS = {
  bunSource: `TypeError: boom
    at boom (/work/main/src/core/boom.ts:3:9)
    at run (/work/main/src/main.ts:68:5)
    at processTicksAndRejections (native:7:39)`,
  compiled: `TypeError: boom
    at boom (src/core/boom.ts:1:43)
    at src/main.ts:4:7
    at parseArgs (node_modules/citty/dist/index.mjs:164:72)
    at run (src/main.ts:68:5)`,
  deno: `TypeError: boom
    at boom (file:///work/main/src/core/boom.ts:3:24)
    at async run (file:///work/main/src/main.ts:68:5)
    at async file:///work/main/src/main.ts:132:3`,
  windows: `TypeError: boom
    at boom (C:\\Users\\alice\\tollgate\\src\\core\\boom.ts:3:9)
    at Object.<anonymous> (C:\\Users\\alice\\tollgate\\node_modules\\citty\\dist\\index.mjs:1:2)
    at run (file:///C:/Users/alice/tollgate/src/main.ts:68:5)`,
  bunNative: `SyntaxError: JSON Parse error: Expected '}'
    at <parse> (:0)
    at parse (unknown)
    at load (/work/main/src/core/config.ts:9:12)`,
  dependency: `CLIError: Missing required positional argument: X
    at parseArgs (/work/main/node_modules/citty/dist/index.mjs:164:72)
    at runCommand (/work/main/node_modules/citty/dist/index.mjs:197:21)
    at run (/work/main/src/main.ts:68:5)`,
  denoRuntime: `Error: ENOENT: no such file or directory, open '/nonexistent'
    at __node_internal_uvException (ext:deno_node/internal/errors.ts:1:3450)
    at readFileSync (ext:deno_node/fs.ts:1:10305)
    at load (file:///work/main/src/core/config.ts:5:27)`,
  nodeRuntime: `Error: ENOENT
    at Object.openSync (node:fs:573:18)
    at load (/work/main/src/core/config.ts:5:27)`,
  runtimeOnly: `Error: ENOENT
    at Object.openSync (node:fs:573:18)
    at processTicksAndRejections (native:7:39)`,
};

function own(stack: string, root: string | undefined) {
  return classifyFrames(parseStack(stack), root).map((frame) =>
    frame.own ? `${frame.file}:${frame.line}:${frame.fn}` : "other",
  );
}

describe("parseStack", () => {
  test("reads function, location and line from V8 and JavaScriptCore frame lines", () => {
    expect(parseStack(STACKS.compiled)).toEqual([
      { fn: "boom", location: "src/core/boom.ts", line: 1 },
      { fn: undefined, location: "src/main.ts", line: 4 },
      { fn: "parseArgs", location: "node_modules/citty/dist/index.mjs", line: 164 },
      { fn: "run", location: "src/main.ts", line: 68 },
    ]);
  });

  test("keeps locations that are not files, and paths with parentheses", () => {
    expect(parseStack("x\n    at async run (unknown)\n    at f (C:\\Program Files (x86)\\a.js:2:3)")).toEqual([
      { fn: "run", location: "unknown", line: undefined },
      { fn: "f", location: "C:\\Program Files (x86)\\a.js", line: 2 },
    ]);
  });

  test("skips lines that are not frames", () => {
    expect(parseStack("Error: boom\nsecond line of the message")).toEqual([]);
  });
});

describe("own frames", () => {
  test("Bun from source: absolute paths under the checkout", () => {
    expect(own(STACKS.bunSource, "/work/main")).toEqual(["src/core/boom.ts:3:boom", "src/main.ts:68:run", "other"]);
  });

  test("compiled executable: source-mapped relative paths, dependencies are not ours", () => {
    expect(own(STACKS.compiled, undefined)).toEqual([
      "src/core/boom.ts:1:boom",
      "src/main.ts:4:<anonymous>",
      "other",
      "src/main.ts:68:run",
    ]);
  });

  test("Deno: file:// URLs, `async` dropped from the function name", () => {
    expect(own(STACKS.deno, "/work/main")).toEqual([
      "src/core/boom.ts:3:boom",
      "src/main.ts:68:run",
      "src/main.ts:132:<anonymous>",
    ]);
  });

  test("Windows: backslashes and file:///C:/ URLs, drive letters in any case", () => {
    expect(own(STACKS.windows, "c:\\users\\alice\\tollgate")).toEqual([
      "src/core/boom.ts:3:boom",
      "other",
      "src/main.ts:68:run",
    ]);
  });

  test("a checkout's path outside the source root is not ours, even with a src/ folder", () => {
    expect(ownFile("/home/alice/other-project/src/x.ts", "/work/main")).toBeUndefined();
    expect(ownFile("/work/main/node_modules/pkg/src/x.ts", "/work/main")).toBeUndefined();
    expect(ownFile("/work/main/scripts/build.ts", "/work/main")).toBeUndefined();
    expect(ownFile("/work/main/src/../../etc/x.ts", "/work/main")).toBeUndefined();
  });

  test("paths inside the compiled executable's embedded filesystem", () => {
    expect(ownFile("/$bunfs/root/src/core/x.ts", undefined)).toBe("src/core/x.ts");
    expect(ownFile("B:/~BUN/root/src/core/x.ts", undefined)).toBe("src/core/x.ts");
    expect(ownFile("B:\\~BUN\\root\\src\\core\\x.ts", undefined)).toBe("src/core/x.ts");
    expect(ownFile("/$bunfs/root/tollgate", undefined)).toBeUndefined();
  });
});

describe("raisedInOwnCode: the innermost frame outside the runtime decides", () => {
  test.each([
    ["bunSource", "/work/main", true],
    ["compiled", undefined, true],
    ["deno", "/work/main", true],
    ["windows", "C:\\Users\\alice\\tollgate", true],
    ["bunNative", "/work/main", true],
    ["dependency", "/work/main", false],
    ["denoRuntime", "/work/main", true],
    ["nodeRuntime", "/work/main", true],
    ["runtimeOnly", "/work/main", false],
  ] as const)("%s -> %p", (name, root, expected) => {
    expect(raisedInOwnCode(classifyFrames(parseStack(STACKS[name]), root))).toBe(expected);
  });

  test("no frames at all is not ours", () => {
    expect(raisedInOwnCode([])).toBe(false);
  });
});

describe("functionName", () => {
  test.each([
    [undefined, "<anonymous>"],
    ["new Foo", "new Foo"],
    ["Object.<anonymous>", "Object.<anonymous>"],
    ["Foo.bar [as baz]", "Foo.bar [as baz]"],
    ["weird\u0000name:(x)", "weirdnamex"],
    ["x".repeat(200), "x".repeat(80)],
  ])("%p -> %p", (raw, expected) => {
    expect(functionName(raw)).toBe(expected);
  });
});

describe("stackBody", () => {
  test("a message that spans lines cannot pose as frames", () => {
    const message = "bad input\n    at fake (src/core/fake.ts:1:1)";
    const stack = `Error: ${message}\n    at <parse> (:0)\n    at x (/dep/index.js:1:1)`;
    const frames = classifyFrames(parseStack(stackBody(stack, message)), undefined);
    expect(frames.some((frame) => frame.own)).toBe(false);
    expect(raisedInOwnCode(classifyFrames(parseStack(stack), undefined))).toBe(true);
  });
});

describe("sourceRootOf", () => {
  test("from source: the checkout two folders above src/crash", () => {
    expect(sourceRootOf(pathToFileURL(join(PROJECT_ROOT, "src/crash/frames.ts")).href)).toBe(`${PROJECT_ROOT}/`);
    expect(sourceRootOf()).toBe(`${PROJECT_ROOT}/`);
  });

  test("inside the compiled executable there is none", () => {
    expect(sourceRootOf("file:///$bunfs/root/tollgate")).toBeUndefined();
    expect(sourceRootOf("file:///$bunfs/root/src/crash/frames.ts")).toBeUndefined();
  });
});
