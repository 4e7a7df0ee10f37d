import { expect, test } from "bun:test";
import fc from "fast-check";
import { canonicalBytes } from "../../src/receipts/jws.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

test("a segment is accepted exactly when it is its bytes' one base64url spelling, and gives those bytes", () => {
  const characters = fc.constantFrom(...ALPHABET, "=", "+", "/", " ", ".");
  fc.assert(
    fc.property(fc.array(characters, { maxLength: 24 }), (chars) => {
      const segment = chars.join("");
      const bytes = Buffer.from(segment, "base64url");
      const canonical = bytes.toString("base64url") === segment;
      const accepted = canonicalBytes(segment);
      expect(accepted !== undefined).toBe(canonical);
      if (accepted) expect(Buffer.compare(accepted, bytes)).toBe(0);
    }),
    { numRuns: 5000 },
  );
});
