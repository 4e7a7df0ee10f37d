import { expect, spyOn, test } from "bun:test";
import { useNormalJit } from "../../src/core/index.ts";

test("useNormalJit restores JavaScriptCore's normal JIT policy (scale 1)", () => {
  const setJITPolicy = spyOn(Bun.unsafe, "setJITPolicy");
  try {
    useNormalJit();
    expect(setJITPolicy).toHaveBeenCalledWith(1);
  } finally {
    setJITPolicy.mockRestore();
  }
});
