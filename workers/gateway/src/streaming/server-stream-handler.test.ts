import { OrderService } from "@grpc-edge/proto/orders/v1";
import { Code } from "@connectrpc/connect";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv, UpstreamFetcher } from "../context/app-env.ts";
import { httpBindings } from "../transcoding/http-bindings.ts";
import { encodeEnvelope, endStreamFlag } from "./connect-envelopes.ts";
import { brokenOffError, serverStreamHandler, unreadableError } from "./server-stream-handler.ts";
import { StreamSlots } from "./stream-slots.ts";

const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const heartbeat = encodeEnvelope(0, json({ type: "ORDER_EVENT_TYPE_HEARTBEAT" }));
const placed = encodeEnvelope(0, json({ id: "7", type: "ORDER_EVENT_TYPE_PLACED", order: { id: 3 } }));
const cleanEnd = encodeEnvelope(endStreamFlag, json({}));

/** A fake order service (unit test): its stream body sends `chunks` one per read, then ends as `end` says. */
function upstream(chunks: Uint8Array[], end: "close" | "error"): UpstreamFetcher {
  return {
    fetch: async () => {
      const left = [...chunks];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const chunk = left.shift();
          if (chunk !== undefined) controller.enqueue(chunk);
          else if (end === "close") controller.close();
          else controller.error(new TypeError("connection reset"));
        },
      });
      return new Response(body, { status: 200, headers: { "content-type": "application/connect+json" } });
    },
  };
}

function app(): Hono<AppEnv> {
  const gateway = new Hono<AppEnv>();
  gateway.use(async (c, next) => {
    c.set("requestId", "req-1");
    c.set("trace", { traceId: "0".repeat(31) + "1", spanId: "0".repeat(15) + "1", sampled: false });
    c.set("caller", { authenticated: true, sub: "1", scope: "" });
    await next();
  });
  gateway.use(
    serverStreamHandler({
      bindings: httpBindings([OrderService], "server_streaming"),
      baseUrlOf: () => "http://order.internal",
      serviceTokenSecret: "a-test-secret-that-is-long-enough-32",
      slots: new StreamSlots(5),
    }),
  );
  return gateway;
}

async function watch(services: UpstreamFetcher, accept = "text/event-stream"): Promise<string> {
  const res = await app().request("/api/users/1/orders:watch", { headers: { accept } }, { SERVICES: services });
  expect(res.status).toBe(200);
  return res.text();
}

/** The error the handler throws (to the app's problem+json renderer) before the first message. */
async function refusal(services: UpstreamFetcher, query = ""): Promise<unknown> {
  const gateway = app();
  let thrown: unknown;
  gateway.onError((err, c) => {
    thrown = err;
    return c.text("refused", 503);
  });
  const res = await gateway.request(`/api/users/1/orders:watch${query}`, {}, { SERVICES: services });
  await res.text();
  return thrown;
}

describe("serverStreamHandler: how a stream ends", () => {
  it("a stream the service ends with its end message ends cleanly, with no error event", async () => {
    const text = await watch(upstream([heartbeat, placed, cleanEnd], "close"));
    expect(text).toBe(`retry: 2000\n\n: heartbeat\n\nid: 7\nevent: placed\ndata: ${JSON.stringify({ id: "7", type: "ORDER_EVENT_TYPE_PLACED", order: { id: 3 } })}\n\n`);
  });

  it.each([
    ["the connection fails (a service killed mid-stream)", "error"],
    ["the body stops without the end message", "close"],
  ] as const)("%s: an error event (unavailable) after the last event, then the end — not a silent end", async (_, end) => {
    const sse = await watch(upstream([heartbeat, placed], end));
    expect(sse.endsWith(`id: 7\nevent: placed\ndata: {"id":"7","type":"ORDER_EVENT_TYPE_PLACED","order":{"id":3}}\n\nevent: error\ndata: ${JSON.stringify(brokenOffError)}\n\n`)).toBe(true);
    expect(brokenOffError.code).toBe("unavailable");
    const ndjson = await watch(upstream([heartbeat, placed], end), "application/x-ndjson");
    expect(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown).at(-1)).toEqual({ error: brokenOffError });
  });

  it("a message that is not JSON: an error event (internal) after the last good one, then the end — not a reset", async () => {
    const garbage = encodeEnvelope(0, new TextEncoder().encode("{not json"));
    const sse = await watch(upstream([heartbeat, placed, garbage, placed], "close"));
    expect(sse.endsWith(`event: placed\ndata: {"id":"7","type":"ORDER_EVENT_TYPE_PLACED","order":{"id":3}}\n\nevent: error\ndata: ${JSON.stringify(unreadableError)}\n\n`)).toBe(true);
    const ndjson = await watch(upstream([heartbeat, garbage], "close"), "application/x-ndjson");
    expect(ndjson.trimEnd().split("\n").map((line) => JSON.parse(line) as unknown).at(-1)).toEqual({ error: unreadableError });
  });

  it.each([
    ["the connection fails", "error"],
    ["the body ends", "close"],
  ] as const)("%s before the first message: UNAVAILABLE (problem+json 503), not an internal error", async (_, end) => {
    expect(await refusal(upstream([], end))).toMatchObject({ code: Code.Unavailable });
  });

  it("?fields= is not a parameter of a stream (so /openapi.json does not offer it): 400 naming it", async () => {
    expect(await refusal(upstream([heartbeat, cleanEnd], "close"), "?fields=id")).toMatchObject({ type: { status: 400 }, violations: [{ field: "fields" }] });
  });
});
