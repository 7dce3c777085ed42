import { describe, expect, it } from "vitest";
import { ifNoneMatchHits, strongEtag } from "./strong-etag.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("strongEtag", () => {
  it("is a quoted 22-character base64url digest, the same for the same body", async () => {
    const tag = await strongEtag(bytes('{"id":1}'));
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(await strongEtag(bytes('{"id":1}'))).toBe(tag);
  });

  it("differs when one byte differs", async () => {
    expect(await strongEtag(bytes('{"id":1}'))).not.toBe(await strongEtag(bytes('{"id":2}')));
  });

  it("is SHA-256, truncated to 128 bits", async () => {
    // SHA-256("") = e3b0c44298fc1c149afbf4c8996fb924…
    expect(await strongEtag(new Uint8Array())).toBe(`"47DEQpj8HBSa-_TImW-5JA"`);
  });
});

describe("ifNoneMatchHits", () => {
  const tag = `"abc"`;
  it.each<[string | null, boolean]>([
    [null, false],
    ["", false],
    [`"abc"`, true],
    [`W/"abc"`, true],
    [`"x", "abc"`, true],
    [`"x","y"`, false],
    ["*", true],
    [`"abcd"`, false],
    ["abc", false],
  ])("%j → %s", (header, hit) => {
    expect(ifNoneMatchHits(header, tag)).toBe(hit);
  });
});
