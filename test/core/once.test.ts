import { expect, test } from "bun:test";
import { once } from "../../src/core/index.ts";

test("once: the first call makes the promise; later and concurrent calls share it, a rejection included", async () => {
  let made = 0;
  const value = once(async () => ++made);
  expect(await Promise.all([value(), value()])).toEqual([1, 1]);
  expect(await value()).toBe(1);
  expect(made).toBe(1);

  let attempts = 0;
  const failing = once(async () => {
    attempts++;
    throw new Error("no");
  });
  await expect(failing()).rejects.toThrow("no");
  await expect(failing()).rejects.toThrow("no");
  expect(attempts).toBe(1);
});
