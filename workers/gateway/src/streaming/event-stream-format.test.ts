import { describe, expect, it } from "vitest";
import { formatStreamMessage, streamFormatOf, streamPreamble } from "./event-stream-format.ts";
import { StreamSlots } from "./stream-slots.ts";
import { encodeEnvelope, envelopeReader } from "./connect-envelopes.ts";

describe("event stream format", () => {
  it("SSE unless the client asks for NDJSON", () => {
    expect(streamFormatOf(undefined)).toBe("sse");
    expect(streamFormatOf("text/event-stream")).toBe("sse");
    expect(streamFormatOf("application/x-ndjson")).toBe("ndjson");
  });

  it("an event with its id, type and one-line JSON; a heartbeat as a comment; retry: first", () => {
    expect(streamPreamble("sse")).toMatch(/^retry: \d+\n\n$/);
    expect(formatStreamMessage("sse", { id: "7", type: "X" }, "placed", "7")).toBe('id: 7\nevent: placed\ndata: {"id":"7","type":"X"}\n\n');
    expect(formatStreamMessage("sse", { id: "0" }, "reconnect", undefined)).toBe('event: reconnect\ndata: {"id":"0"}\n\n');
    expect(formatStreamMessage("sse", {}, "heartbeat", undefined)).toBe(": heartbeat\n\n");
    expect(formatStreamMessage("ndjson", { text: "a\nb" }, "placed", "1")).toBe('{"text":"a\\nb"}\n');
  });
});

describe("StreamSlots", () => {
  it("a caller gets `limit` slots; a released one is free again, released twice counts once", () => {
    const slots = new StreamSlots(2);
    const a = slots.take("u1");
    const b = slots.take("u1");
    expect(slots.take("u1")).toBeUndefined();
    expect(slots.take("u2")).toBeDefined();
    a!();
    a!();
    expect(slots.take("u1")).toBeDefined();
    expect(slots.take("u1")).toBeUndefined();
    b!();
  });
});

describe("envelopeReader", () => {
  const body = (...chunks: Uint8Array[]) => new ReadableStream<Uint8Array>({ start(c) { for (const chunk of chunks) c.enqueue(chunk); c.close(); } });

  it("reassembles envelopes split across chunks", async () => {
    const all = Uint8Array.from([...encodeEnvelope(0, new Uint8Array([1, 2, 3])), ...encodeEnvelope(2, new Uint8Array([]))]);
    const reader = envelopeReader(body(all.subarray(0, 2), all.subarray(2, 7), all.subarray(7)));
    expect(await reader.next()).toEqual({ flags: 0, data: new Uint8Array([1, 2, 3]) });
    expect(await reader.next()).toEqual({ flags: 2, data: new Uint8Array([]) });
    expect(await reader.next()).toBeUndefined();
  });

  it("a body that ends inside an envelope, or an oversized one, is an error", async () => {
    await expect(envelopeReader(body(encodeEnvelope(0, new Uint8Array(9)).subarray(0, 8))).next()).rejects.toThrow(/inside a message/);
    await expect(envelopeReader(body(encodeEnvelope(0, new Uint8Array(9))), 8).next()).rejects.toThrow(/limit/);
  });
});
