import { describe, expect, it } from "vitest";
import { parseSerializedResponse } from "./cache-backend.ts";

describe("parseSerializedResponse", () => {
  it.each([
    ["a Content-Length body", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nETag: \"abc\"\r\n\r\n{\"id\":1234}"],
    ["a chunked body", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nETag: \"abc\"\r\n\r\n4\r\n{\"id\r\n7\r\n\":1234}\r\n0\r\n\r\n"],
  ])("reads status, headers and %s, without the framing headers", (_what, text) => {
    const parsed = parseSerializedResponse(Buffer.from(text, "latin1"));
    expect(parsed.status).toBe(200);
    expect(parsed.headers).toEqual([["content-type", "application/json"], ["etag", '"abc"']]);
    expect(parsed.body.toString()).toBe('{"id":1234}');
  });

  it("refuses what is not a response", () => {
    expect(() => parseSerializedResponse(Buffer.from("GET / HTTP/1.1\r\n\r\n"))).toThrow(/status line/);
    expect(() => parseSerializedResponse(Buffer.from("HTTP/1.1 200 OK\r\n"))).toThrow(/end of headers/);
  });
});
