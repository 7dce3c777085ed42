import { Writable } from "node:stream";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { Health } from "@grpc-edge/proto/grpc/health/v1";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createTracing, serverTracingInterceptor } from "../tracing/index.ts";
import { loggingInterceptor } from "./logging-interceptor.ts";

function service(fail?: Code) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")));
      done();
    },
  });
  const tracing = createTracing({ serviceName: "svc", exporter: new InMemorySpanExporter() });
  const client = createClient(
    Health,
    createRouterTransport(
      ({ service }) =>
        service(Health, {
          check() {
            if (fail !== undefined) throw new ConnectError("boom", fail);
            return { status: 1 };
          },
        }),
      { router: { interceptors: [serverTracingInterceptor(tracing), loggingInterceptor(pino(sink))] } },
    ),
  );
  return { client, lines };
}

describe("loggingInterceptor", () => {
  it("logs one line per RPC with request id, trace and span id, rpc, code and duration", async () => {
    const { client, lines } = service();
    await client.check({}, { headers: { "x-request-id": "req-7", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } });
    expect(lines).toEqual([
      expect.objectContaining({
        msg: "rpc",
        rpc: "grpc.health.v1.Health/Check",
        requestId: "req-7",
        traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
        spanId: expect.stringMatching(/^(?!00f067aa0ba902b7)[0-9a-f]{16}$/),
        code: "ok",
        durationMs: expect.any(Number),
      }),
    ]);
  });

  it.each([
    [Code.NotFound, "not_found", 30],
    [Code.Internal, "internal", 50],
  ])("a %s failure is logged with its code name (internal ones as errors)", async (code, name, level) => {
    const { client, lines } = service(code);
    await expect(client.check({})).rejects.toMatchObject({ code });
    expect(lines).toEqual([expect.objectContaining({ code: name, level, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) })]);
  });
});
