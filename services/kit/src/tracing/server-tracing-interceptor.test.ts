import { Code, ConnectError, createClient, createRouterTransport, type Interceptor } from "@connectrpc/connect";
import { Health } from "@grpc-edge/proto/grpc/health/v1";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { clientTracingInterceptor } from "./client-tracing-interceptor.ts";
import { createTracing, type Tracing } from "./create-tracing.ts";
import { serverTracingInterceptor } from "./server-tracing-interceptor.ts";

const incomingTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const incomingParentId = "00f067aa0ba902b7";
const incoming = `00-${incomingTraceId}-${incomingParentId}-01`;

/**
 * Two tiers in memory, each with its own tracing: "front" serves Health.Check by calling
 * "back" (as the user service calls the order service), passing its context values on.
 */
async function tiers(options: { traced: boolean; backFails?: Code }) {
  const exporter = new InMemorySpanExporter();
  const tracing = (serviceName: string): Promise<Tracing> => createTracing({ serviceName, exporter: options.traced ? exporter : undefined });
  const frontTracing = await tracing("front");
  const backTracing = await tracing("back");
  const backHeaders: Headers[] = [];
  const back = createClient(
    Health,
    createRouterTransport(
      ({ service }) =>
        service(Health, {
          check(_req, ctx) {
            backHeaders.push(new Headers(ctx.requestHeader));
            if (options.backFails !== undefined) throw new ConnectError("back failed", options.backFails);
            return { status: 1 };
          },
        }),
      { router: { interceptors: [serverTracingInterceptor(backTracing)] }, transport: { interceptors: [clientTracingInterceptor(frontTracing)] } },
    ),
  );
  const front = createClient(
    Health,
    createRouterTransport(
      ({ service }) =>
        service(Health, {
          async check(req, ctx) {
            return back.check(req, { contextValues: ctx.values });
          },
        }),
      { router: { interceptors: [serverTracingInterceptor(frontTracing) as Interceptor] } },
    ),
  );
  const spans = () => exporter.getFinishedSpans();
  return { front, backHeaders, spans };
}

const byName = (spans: ReadableSpan[]) => (service: string, kind: number) =>
  spans.find((s) => s.resource.attributes["service.name"] === service && s.kind === kind)!;

describe("tracing interceptors", () => {
  it("continue the caller's trace: server → client → next server, one trace id, parent by parent", async () => {
    const { front, backHeaders, spans } = await tiers({ traced: true });
    await front.check({ service: "" }, { headers: { traceparent: incoming } });
    const find = byName(spans());
    const frontServer = find("front", 1);
    const frontClient = find("front", 2);
    const backServer = find("back", 1);
    expect(spans()).toHaveLength(3);
    for (const span of [frontServer, frontClient, backServer]) expect(span.spanContext().traceId).toBe(incomingTraceId);
    expect(frontServer.parentSpanContext?.spanId).toBe(incomingParentId);
    expect(frontClient.parentSpanContext?.spanId).toBe(frontServer.spanContext().spanId);
    expect(backServer.parentSpanContext?.spanId).toBe(frontClient.spanContext().spanId);
    expect(backHeaders[0]!.get("traceparent")).toBe(`00-${incomingTraceId}-${frontClient.spanContext().spanId}-01`);
    expect(frontServer.name).toBe("grpc.health.v1.Health/Check");
    expect(frontServer.attributes).toMatchObject({ "rpc.service": "grpc.health.v1.Health", "rpc.method": "Check", "rpc.response.status_code": "ok" });
  });

  it.each(["garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])(
    "start a new trace when traceparent is malformed (%s)",
    async (traceparent) => {
      const { front, spans } = await tiers({ traced: true });
      await front.check({ service: "" }, { headers: { traceparent } });
      const frontServer = byName(spans())("front", 1);
      expect(frontServer.parentSpanContext).toBeUndefined();
      expect(frontServer.spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(new Set(spans().map((s) => s.spanContext().traceId)).size).toBe(1);
    },
  );

  it("mark server faults (not caller errors) as ERROR on the server, any failure on the client", async () => {
    for (const [code, serverError] of [
      [Code.NotFound, false],
      [Code.Unavailable, true],
    ] as const) {
      const { front, spans } = await tiers({ traced: true, backFails: code });
      await expect(front.check({ service: "" })).rejects.toMatchObject({ code });
      const find = byName(spans());
      expect(find("back", 1).status.code).toBe(serverError ? 2 : 0);
      expect(find("front", 2).status.code).toBe(2);
      expect(find("back", 1).attributes["rpc.grpc.status_code"]).toBe(code);
    }
  });

  it("tracing off: nothing recorded, the incoming traceparent passed on unchanged", async () => {
    const { front, backHeaders, spans } = await tiers({ traced: false });
    await front.check({ service: "" }, { headers: { traceparent: incoming, tracestate: "vendor=1" } });
    await front.check({ service: "" });
    expect(spans()).toEqual([]);
    expect(backHeaders.map((h) => [h.get("traceparent"), h.get("tracestate")])).toEqual([
      [incoming, "vendor=1"],
      [null, null],
    ]);
  });
});

describe("server tracing of a stream", () => {
  it("one span for the whole stream, ended with its outcome when the stream ends", async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = await createTracing({ serviceName: "svc", exporter });
    const client = createClient(
      Health,
      createRouterTransport(
        ({ service }) =>
          service(Health, {
            async *watch() {
              yield { status: 1 };
              yield { status: 2 };
            },
          }),
        { router: { interceptors: [serverTracingInterceptor(tracing)] } },
      ),
    );
    const it = client.watch({ service: "" }, { headers: { traceparent: incoming } })[Symbol.asyncIterator]();
    await it.next();
    expect(exporter.getFinishedSpans()).toEqual([]);
    await it.next();
    expect(await it.next()).toMatchObject({ done: true });
    const [span] = exporter.getFinishedSpans();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
    expect([span!.name, span!.spanContext().traceId, span!.attributes["rpc.response.status_code"]]).toEqual(["grpc.health.v1.Health/Watch", incomingTraceId, "ok"]);
  });
});
