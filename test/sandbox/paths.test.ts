import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { isUnder, normalisePath, scopePath } from "../../src/sandbox/index.ts";

const segment = fc.oneof(
  fc.constantFrom("..", ".", "", "workspace", "etc", "passwd", "workspace-evil", "a"),
  fc.stringMatching(/^[a-z.-]{1,6}$/),
);
const rawPath = fc.array(segment, { maxLength: 10 }).map((segments) => `/${segments.join("/")}`);

describe("normalisePath", () => {
  test("resolves . and .. and repeated slashes", () => {
    expect(normalisePath("/workspace/../etc/passwd")).toBe("/etc/passwd");
    expect(normalisePath("/a/./b//c/../d/")).toBe("/a/b/d");
    expect(normalisePath("/../../..")).toBe("/");
    expect(normalisePath("//server/share")).toBe("/server/share");
  });

  test("gives what splitting on / and rejoining gives, for any input (property)", () => {
    const bySplitting = (path: string) => {
      const out: string[] = [];
      for (const segment of path.split("/")) {
        if (segment === "" || segment === ".") continue;
        if (segment === "..") out.pop();
        else out.push(segment);
      }
      return `/${out.join("/")}`;
    };
    const anyPath = fc.oneof(
      rawPath,
      fc.stringMatching(/^[/.a]{0,12}$/),
      rawPath.map((path) => `${path}/`),
    );
    fc.assert(
      fc.property(anyPath, (path) => normalisePath(path) === bySplitting(path)),
      { numRuns: 5000 },
    );
  });

  test("is idempotent (property)", () => {
    fc.assert(fc.property(rawPath, (path) => normalisePath(normalisePath(path)) === normalisePath(path)));
  });

  test("leaves no . or .. segment and no empty segment (property)", () => {
    fc.assert(
      fc.property(rawPath, (path) => {
        const out = normalisePath(path);
        return (
          out === "/" ||
          out
            .slice(1)
            .split("/")
            .every((s) => s !== "" && s !== "." && s !== "..")
        );
      }),
    );
  });
});

describe("scopePath", () => {
  test("a trailing /** means the folder and everything under it", () => {
    expect(scopePath("/workspace/repo/**")).toEqual({ ok: true, path: "/workspace/repo" });
  });

  test("other globs, relative and Windows paths, and NUL bytes are not accepted", () => {
    for (const raw of ["/workspace/*.ts", "/workspace/**/x", "/a?", "/a/[ab]", "/a/{b,c}", "/workspace/*"]) {
      expect(scopePath(raw)).toMatchObject({ ok: false, code: "PATH_GLOB_UNSUPPORTED" });
    }
    for (const raw of ["repo", "C:\\work", "\\\\server\\share", "/a\0b"]) {
      expect(scopePath(raw)).toMatchObject({ ok: false, code: "PATH_NOT_ABSOLUTE" });
    }
  });
});

describe("isUnder", () => {
  test("matches whole segments", () => {
    expect(isUnder("/workspace", "/workspace")).toBe(true);
    expect(isUnder("/workspace/a", "/workspace")).toBe(true);
    expect(isUnder("/workspace-evil", "/workspace")).toBe(false);
    expect(isUnder("/workspaces/a", "/workspace")).toBe(false);
    expect(isUnder("/anything", "/")).toBe(true);
  });

  test("weakness 3: /workspace/../etc/passwd is not under /workspace", () => {
    const scoped = scopePath("/workspace/../etc/passwd");
    expect(scoped.ok && isUnder(scoped.path, "/workspace")).toBe(false);
  });

  test("no normalised path that leaves a prefix is accepted (property)", () => {
    fc.assert(
      fc.property(rawPath, rawPath, (rawPrefix, rawSuffix) => {
        const prefix = normalisePath(rawPrefix);
        const path = normalisePath(`${prefix}/${rawSuffix}`);
        // Lexically, prefix + suffix leaves the prefix exactly when the suffix climbs above it.
        let depth = 0;
        let left = false;
        for (const s of rawSuffix.split("/")) {
          if (s === "..") depth--;
          else if (s !== "" && s !== ".") depth++;
          if (depth < 0) left = true;
        }
        const under = isUnder(path, prefix);
        if (under && prefix !== "/") {
          // Accepted paths really are the prefix or below it, segment by segment.
          expect(path === prefix || path.startsWith(`${prefix}/`)).toBe(true);
        }
        if (!left) expect(under).toBe(true);
        if (!under) expect(left).toBe(true);
      }),
    );
  });

  test("a path is under a prefix exactly when its segments start with the prefix's (property)", () => {
    fc.assert(
      fc.property(rawPath, rawPath, (a, b) => {
        const path = normalisePath(a);
        const prefix = normalisePath(b);
        const segs = (p: string) => (p === "/" ? [] : p.slice(1).split("/"));
        const expected = segs(prefix).every((s, i) => segs(path)[i] === s);
        return isUnder(path, prefix) === expected;
      }),
    );
  });
});
