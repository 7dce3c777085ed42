import { create, toBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { createRouterTransport } from "@connectrpc/connect";
import { WatchOrdersRequestSchema } from "@grpc-edge/proto/orders/v1";
import { describe, expect, it } from "vitest";
import type { UpstreamFetcher } from "../context/app-env.ts";
import { createApp } from "../create-app.ts";
import type { AccessLogEntry } from "../middleware/access-log.ts";
import { publishedServices } from "../routing/published-services.ts";
import { encodeEnvelope, envelopeReader } from "../streaming/connect-envelopes.ts";
import { encodeStreamEnd, readStreamEnd } from "../streaming/stream-end.ts";
import { createRpcForwarder } from "./forward-rpc.ts";

// The stream handler against a scripted order service (the SERVICES binding): what the edge
// does with answers the real service does not give on cue (an e2e test covers the real one).
const watchPath = "/orders.v1.OrderService/WatchOrders";
const secret = "a-service-token-secret-of-32-bytes-at-least";
const request = encodeEnvelope(0, toBinary(WatchOrdersRequestSchema, create(WatchOrdersRequestSchema, { userId: 1 })));
const heartbeat = encodeEnvelope(0, new TextEncoder().encode('{"type":"ORDER_EVENT_TYPE_HEARTBEAT"}'));

function setup(answer: (init: RequestInit) => Response) {
  const sent: { url: string; headers: Headers; body: Uint8Array }[] = [];
  const logs: AccessLogEntry[] = [];
  const SERVICES: UpstreamFetcher = {
    async fetch(url, init) {
      sent.push({ url, headers: new Headers(init.headers), body: new Uint8Array(init.body as Uint8Array) });
      return answer(init);
    },
  };
  const baseUrlOf = () => "http://order.internal:50052";
  const app = createApp({
    transport: createRouterTransport(() => {}),
    services: publishedServices,
    log: (entry) => logs.push(entry),
    streams: { baseUrlOf, serviceTokenSecret: secret, maxStreamsPerCaller: 5 },
    rpcForwarder: createRpcForwarder({ baseUrlOf, serviceTokenSecret: secret, upstreamTimeoutMs: 3_000 }),
  });
  const call = (init: RequestInit) => app.request(watchPath, { method: "POST", ...init }, { SERVICES });
  return { call, sent, logs };
}

/** Every frame of an answer's body, with the status of its end frame. */
async function frames(res: Response, protocol: "connect" | "grpc-web") {
  const reader = envelopeReader(res.body!);
  const out: { flags: number; end: ReturnType<typeof readStreamEnd> }[] = [];
  for (let envelope = await reader.next(); envelope !== undefined; envelope = await reader.next()) out.push({ flags: envelope.flags, end: readStreamEnd(protocol, envelope) });
  return out;
}

const streamOf = (...chunks: Uint8Array[]) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });

describe("rpcStreamHandler", () => {
  it("sends the caller's bytes on in the caller's protocol, without a deadline unless the caller sets one", async () => {
    const { call, sent } = setup(() => new Response(streamOf(heartbeat, encodeStreamEnd("connect", { code: "ok", message: "" })), { headers: { "content-type": "application/connect+proto" } }));
    await (await call({ headers: { "content-type": "application/connect+proto" }, body: request })).arrayBuffer();
    await (await call({ headers: { "content-type": "application/connect+proto", "connect-timeout-ms": "1500" }, body: request })).arrayBuffer();
    expect(sent.map((s) => [s.url, s.headers.get("content-type"), s.headers.get("connect-timeout-ms")])).toEqual([
      [`http://order.internal:50052${watchPath}`, "application/connect+proto", null],
      [`http://order.internal:50052${watchPath}`, "application/connect+proto", "1500"],
    ]);
    expect(sent[0]!.body).toEqual(request);
  });

  it.each(["connect", "grpc-web"] as const)("%s: a service that breaks off without its end frame: the edge writes one (unavailable), and logs it", async (protocol) => {
    const contentType = protocol === "connect" ? "application/connect+proto" : "application/grpc-web+proto";
    const { call, logs } = setup(() => new Response(streamOf(heartbeat), { headers: { "content-type": contentType } }));
    const res = await call({ headers: { "content-type": contentType }, body: request });
    expect(res.status).toBe(200);
    expect(await frames(res, protocol)).toEqual([
      { flags: 0, end: undefined },
      { flags: protocol === "connect" ? 0b10 : 0x80, end: { code: Code.Unavailable, message: expect.any(String) } },
    ]);
    await expect.poll(() => logs).toEqual([expect.objectContaining({ path: watchPath, status: 200, rpcCode: "unavailable" })]);
  });

  it("a service's permission_denied before the first message, to an anonymous caller: unauthenticated in the caller's protocol", async () => {
    const denied = (framing: "connect" | "grpc-web") => encodeStreamEnd(framing, { code: Code.PermissionDenied, message: "caller may not read user 1" });
    const connect = setup(() => new Response(streamOf(denied("connect")), { headers: { "content-type": "application/connect+json" } }));
    const json = new TextEncoder().encode('{"userId":1}');
    const res = await connect.call({ headers: { "content-type": "application/connect+json" }, body: encodeEnvelope(0, json) });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/connect+json"]);
    expect(await frames(res, "connect")).toEqual([{ flags: 0b10, end: { code: Code.Unauthenticated, message: expect.any(String) } }]);
    expect(connect.logs[0]).toMatchObject({ rpcCode: "permission_denied" });

    const grpcWeb = setup(() => new Response(streamOf(denied("grpc-web")), { headers: { "content-type": "application/grpc-web+proto" } }));
    const trailersOnly = await grpcWeb.call({ headers: { "content-type": "application/grpc-web+proto" }, body: request });
    expect([trailersOnly.status, trailersOnly.headers.get("grpc-status")]).toEqual([200, String(Code.Unauthenticated)]);
    expect((await trailersOnly.arrayBuffer()).byteLength).toBe(0);
  });

  it("what a stream's path does not take, refused in Connect's format before any upstream call: GET, a unary media type", async () => {
    const { call, sent } = setup(() => new Response(null, { status: 500 }));
    const get = await call({ method: "GET" });
    expect([get.status, get.headers.get("allow")]).toEqual([501, "POST"]);
    expect(await get.json()).toMatchObject({ code: "unimplemented" });
    const unary = await call({ headers: { "content-type": "application/json" }, body: '{"userId":1}' });
    expect(unary.status).toBe(400);
    expect(await unary.json()).toMatchObject({ code: "invalid_argument" });
    expect(sent).toEqual([]);
  });
});
