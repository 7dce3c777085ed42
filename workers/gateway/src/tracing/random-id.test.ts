import { afterEach, describe, expect, it, vi } from "vitest";
import { randomId } from "./random-id.ts";

describe("randomId", () => {
  afterEach(() => vi.restoreAllMocks());

  it.each([8, 16] as const)("gives %i random bytes as lowercase hex", (bytes) => {
    const ids = new Set(Array.from({ length: 50 }, () => randomId(bytes)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));
  });

  it("writes each byte as two digits, leading zero included", () => {
    vi.spyOn(crypto, "getRandomValues").mockImplementationOnce(((array: Uint8Array) => {
      array.set([0x00, 0x01, 0x0a, 0x10, 0x7f, 0x80, 0xfe, 0xff]);
      return array;
    }) as typeof crypto.getRandomValues);
    expect(randomId(8)).toBe("00010a107f80feff");
  });

  it("draws again instead of returning the invalid all-zero id", () => {
    const spy = vi.spyOn(crypto, "getRandomValues").mockImplementationOnce(((array: Uint8Array) => array) as typeof crypto.getRandomValues);
    const id = randomId(16);
    expect(spy).toHaveBeenCalledTimes(2);
    expect(id).not.toMatch(/^0+$/);
  });
});
