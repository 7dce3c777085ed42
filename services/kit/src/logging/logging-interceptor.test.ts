import { Writable } from "node:stream";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { Health } from "@grpc-edge/proto/grpc/health/v1";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { authenticationGate, callerOf, requireReadUser } from "../auth/index.ts";
import { bearer, TEST_SERVICE_TOKEN_SECRET } from "../../testing/index.ts";
import { createTracing, serverTracingInterceptor } from "../tracing/index.ts";
import { loggingInterceptor } from "./logging-interceptor.ts";

async function service(fail?: Code) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString("utf8")));
      done();
    },
  });
  const tracing = await createTracing({ serviceName: "svc", exporter: new InMemorySpanExporter() });
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
    const { client, lines } = await service();
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
    const { client, lines } = await service(code);
    await expect(client.check({})).rejects.toMatchObject({ code });
    expect(lines).toEqual([expect.objectContaining({ code: name, level, traceId: expect.stringMatching(/^[0-9a-f]{32}$/) })]);
  });

  it("says who acted: the verified sub, her token's jti and the access decision — never the token", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString("utf8")));
        done();
      },
    });
    const client = createClient(
      OrderService,
      createRouterTransport(
        ({ service }) =>
          service(OrderService, {
            listOrders(req, ctx) {
              requireReadUser(callerOf(ctx), req.userId);
              return {};
            },
          }),
        { router: { interceptors: [loggingInterceptor(pino(sink))], requestGate: authenticationGate(TEST_SERVICE_TOKEN_SECRET) } },
      ),
    );
    const authorization = await bearer({ sub: 7, userJti: "jwt-id-1" });
    await client.listOrders({ userId: 7 }, { headers: { authorization } });
    await expect(client.listOrders({ userId: 8 }, { headers: { authorization } })).rejects.toMatchObject({ code: Code.PermissionDenied });
    const admin = await bearer({ sub: 1, scope: "admin", userJti: "jwt-id-2" });
    await client.listOrders({ userId: 8 }, { headers: { authorization: admin } });
    expect(lines.map((l) => [l.sub, l.jti, l.authz, l.code])).toEqual([
      ["7", "jwt-id-1", "self", "ok"],
      ["7", "jwt-id-1", "denied", "permission_denied"],
      ["1", "jwt-id-2", "admin", "ok"],
    ]);
    expect(JSON.stringify(lines)).not.toContain(authorization.slice("Bearer ".length));
  });
});

describe("loggingInterceptor on a server stream", () => {
  async function streaming() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString("utf8")));
        done();
      },
    });
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const client = createClient(
      Health,
      createRouterTransport(
        ({ service }) =>
          service(Health, {
            async *watch(_req, ctx) {
              yield { status: 1 };
              await Promise.race([released, new Promise((resolve) => ctx.signal.addEventListener("abort", resolve))]);
              if (!ctx.signal.aborted) yield { status: 2 };
            },
          }),
        { router: { interceptors: [loggingInterceptor(pino(sink))] } },
      ),
    );
    return { client, lines, release };
  }

  it("writes the stream's line when it ends, not when its handler starts", async () => {
    const { client, lines, release } = await streaming();
    const received: number[] = [];
    const it = client.watch({})[Symbol.asyncIterator]();
    received.push((await it.next()).value.status);
    expect(lines).toEqual([]);
    release();
    for (let next = await it.next(); !next.done; next = await it.next()) received.push(next.value.status);
    expect(received).toEqual([1, 2]);
    expect(lines).toEqual([expect.objectContaining({ msg: "rpc", rpc: "grpc.health.v1.Health/Watch", code: "ok" })]);
  });
});
