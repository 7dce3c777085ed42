import { Code } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../errors/gateway-error.ts";
import { readJsonBody } from "./read-json-body.ts";

const limit = 32;

function post(body: BodyInit | null, headers: Record<string, string> = { "Content-Type": "application/json" }): Request {
  // duplex: Node's fetch wants it for stream bodies; Workers ignore it.
  return new Request("http://gateway.test/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

/** A body sent in pieces without a Content-Length, like a chunked upload. */
function streamOf(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected readJsonBody to fail");
}

describe("readJsonBody accepts", () => {
  it.each<[string, Request, unknown]>([
    ["an object", post('{"title":"Dune"}'), { title: "Dune" }],
    ["charset=utf-8", post('{"a":1}', { "Content-Type": "application/json; charset=utf-8" }), { a: 1 }],
    ["a quoted upper-case charset", post('{"a":1}', { "Content-Type": 'Application/JSON; Charset="UTF-8"' }), { a: 1 }],
    ["a +json media type", post('{"a":1}', { "Content-Type": "application/merge-patch+json" }), { a: 1 }],
    ["non-ASCII text", post('{"t":"Jürgen ✓"}'), { t: "Jürgen ✓" }],
    ["a UTF-8 byte order mark", post(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("[1]")])), [1]],
    ["exactly the limit", post(`{"t":"${"x".repeat(limit - 8)}"}`), { t: "x".repeat(limit - 8) }],
    ["the limit, streamed", post(streamOf('{"t":"', "x".repeat(limit - 8), '"}')), { t: "x".repeat(limit - 8) }],
    // Parsing only; whether null or an array fits the RPC is the message builder's call.
    ["null", post("null"), null],
    ["an array", post("[]"), []],
  ])("%s", async (_, request, expected) => {
    expect(await readJsonBody(request, limit)).toEqual(expected);
  });

  it.each<[string, Request]>([
    ["no body", new Request("http://gateway.test/x", { method: "POST" })],
    ["an empty body", post("")],
    ["an empty body of any type", post("", { "Content-Type": "text/plain" })],
  ])("%s as no body at all", async (_, request) => {
    expect(await readJsonBody(request, limit)).toBeUndefined();
  });
});

describe("readJsonBody refuses", () => {
  it.each<[string, () => Request, number, string]>([
    ["one byte over the limit", () => post(`{"t":"${"x".repeat(limit - 7)}"}`), 413, "at most 32 bytes"],
    ["over the limit, streamed without Content-Length", () => post(streamOf('{"t":"', "x".repeat(limit), '"}')), 413, "at most 32 bytes"],
    [
      "a Content-Length over the limit, before reading",
      () => post("{}", { "Content-Type": "application/json", "Content-Length": String(limit + 1) }),
      413,
      "at most 32 bytes",
    ],
    [
      "a Content-Length that understates the body",
      () => post(`{"t":"${"x".repeat(limit)}"}`, { "Content-Type": "application/json", "Content-Length": "2" }),
      413,
      "at most 32 bytes",
    ],
    ["text/plain", () => post("{}", { "Content-Type": "text/plain" }), 415, 'not "text/plain"'],
    ["no Content-Type", () => post(new Uint8Array(new TextEncoder().encode("{}")), {}), 415, "not untyped"],
    ["form data", () => post("a=1", { "Content-Type": "application/x-www-form-urlencoded" }), 415, "must be JSON"],
    ["JSON in another charset", () => post("{}", { "Content-Type": "application/json; charset=latin1" }), 415, "must be JSON"],
    ["application/jsonx", () => post("{}", { "Content-Type": "application/jsonx" }), 415, "must be JSON"],
  ])("%s → %i", async (_, request, status, detail) => {
    const err = await failure(readJsonBody(request(), limit));
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).type.status).toBe(status);
    expect((err as GatewayError).message).toContain(detail);
  });

  it.each<[string, BodyInit]>([
    ["malformed JSON", '{"title": '],
    ["trailing garbage", "{} {}"],
    ["single quotes", "{'a':1}"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])],
    ["a truncated UTF-8 sequence", new Uint8Array([0x22, 0xe2, 0x82, 0x22])],
  ])("%s → INVALID_ARGUMENT", async (_, body) => {
    const err = await failure(readJsonBody(post(body), limit));
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).type.code).toBe(Code.InvalidArgument);
  });

  it("stops reading an oversized upload instead of draining it", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16).fill(0x20));
      },
    });
    const err = await failure(readJsonBody(post(endless), limit));
    expect((err as GatewayError).type.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });
});
