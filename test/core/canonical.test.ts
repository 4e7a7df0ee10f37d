import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { canonicalJson, randomHex, sha256Hex } from "../../src/core/canonical.ts";

describe("canonicalJson", () => {
  test("sorts keys at every depth and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  test("orders keys by UTF-16 code units, as RFC 8785 does", () => {
    expect(canonicalJson({ "\u00e9": 1, z: 2, A: 3 })).toBe('{"A":3,"z":2,"\u00e9":1}');
  });

  test("serialises numbers the ECMAScript way", () => {
    expect(canonicalJson([1.0, 1e21, 0.000001, -0])).toBe("[1,1e+21,0.000001,0]");
  });

  test("refuses values JSON cannot represent", () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });

  test("equal documents hash equally whatever their key order", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (doc) => {
        const reversed = Object.fromEntries(Object.entries(doc).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(doc));
        expect(JSON.parse(canonicalJson(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });
});

test("sha256Hex matches the known digest of 'abc'", () => {
  expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});

test("sha256Hex hashes a string as its UTF-8 bytes", () => {
  const digest = "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c";
  expect(sha256Hex("é")).toBe(digest);
  expect(sha256Hex(new TextEncoder().encode("é"))).toBe(digest);
});

test("randomHex gives two hex digits per byte, different each time", () => {
  const [a, b] = [randomHex(16), randomHex(16)];
  expect(a).toMatch(/^[0-9a-f]{32}$/);
  expect(a).not.toBe(b);
});
