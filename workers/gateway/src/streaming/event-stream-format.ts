import type { JsonValue } from "@bufbuild/protobuf";

/** The two ways a stream is written to the client: Server-Sent Events, or one JSON object a line. */
export type StreamFormat = "sse" | "ndjson";

export const eventStreamType = "text/event-stream";
export const ndjsonType = "application/x-ndjson";

/** NDJSON only when the client asks for it; EventSource and everything else get SSE. */
export function streamFormatOf(accept: string | undefined): StreamFormat {
  return accept !== undefined && accept.toLowerCase().includes(ndjsonType) ? "ndjson" : "sse";
}

/** How long an EventSource waits before it reconnects (SSE `retry:`), in ms. */
export const reconnectDelayMs = 2_000;

/** What starts the stream: SSE sets the reconnect delay (no event is dispatched by it). */
export function streamPreamble(format: StreamFormat): string {
  return format === "sse" ? `retry: ${reconnectDelayMs}\n\n` : "";
}

/**
 * One stream message. `name` is the SSE event type ("placed"); `id` the resume point, when
 * the message has one; a heartbeat is an SSE comment (EventSource ignores it, proxies see bytes).
 */
export function formatStreamMessage(format: StreamFormat, json: JsonValue, name: string, id: string | undefined): string {
  if (format === "ndjson") return `${JSON.stringify(json)}\n`;
  if (name === "heartbeat") return ": heartbeat\n\n";
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(json)}\n\n`;
}

/** An error after the first message: an SSE `error` event (no id: nothing to resume after), or an NDJSON `{"error":…}` line. */
export function formatStreamError(format: StreamFormat, error: { code: string; message: string }): string {
  return format === "sse" ? `event: error\ndata: ${JSON.stringify(error)}\n\n` : `${JSON.stringify({ error })}\n`;
}
