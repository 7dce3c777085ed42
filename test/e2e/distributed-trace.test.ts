// One REST request, one trace: the gateway in real workerd, the user and order services
// as real servers (PGlite), all three exporting OTLP/HTTP JSON to a tiny local collector.
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { startOtlpReceiver, testServiceEnv, type OtlpReceiver, type ReceivedSpan } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";

const SERVER = 2;
const CLIENT = 3;
const callerTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
const callerSpanId = "00f067aa0ba902b7";

let receiver: OtlpReceiver;
let order: RunningService | undefined;
let user: RunningService | undefined;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const env = testServiceEnv({ SEED_DEMO_DATA: "true", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order!.url, vars: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url } });

  expect((await fetch(`${gateway.url}/api/users/1`, { headers: { "x-request-id": "new-trace" } })).status).toBe(200);
  const continued = await fetch(`${gateway.url}/api/users/2`, {
    headers: { "x-request-id": "continued", traceparent: `00-${callerTraceId}-${callerSpanId}-01` },
  });
  expect(continued.status).toBe(200);

  // The services batch their spans; stopping flushes them. The gateway sends its own
  // under waitUntil, after each response.
  await user.stop(1_000);
  await order.stop(1_000);
  await vi.waitFor(() => expect(receiver.spans.filter((s) => s.service === "grpc-edge-gateway")).toHaveLength(4), { timeout: 5_000 });
});
afterAll(async () => {
  await gateway?.stop();
  await user?.stop(0);
  await order?.stop(0);
  await receiver?.close();
});

/** The five spans of the request with this x-request-id, in call order, checked to be one chain. */
function chainOf(requestId: string): ReceivedSpan[] {
  const edge = receiver.spans.find((s) => s.attributes["grpc_edge.request_id"] === requestId);
  expect(edge, `gateway span of ${requestId}`).toBeDefined();
  const trace = receiver.spans.filter((s) => s.traceId === edge!.traceId);
  const find = (service: string, kind: number) => {
    const found = trace.filter((s) => s.service === service && s.kind === kind);
    expect(found, `${service} kind ${kind}`).toHaveLength(1);
    return found[0]!;
  };
  const chain = [
    find("grpc-edge-gateway", SERVER),
    find("grpc-edge-gateway", CLIENT),
    find("user-service", SERVER),
    find("user-service", CLIENT),
    find("order-service", SERVER),
  ];
  expect(trace).toHaveLength(chain.length);
  for (let i = 1; i < chain.length; i++) expect(chain[i]!.parentSpanId, chain[i]!.name).toBe(chain[i - 1]!.spanId);
  return chain;
}

describe("one REST request, one trace across the three tiers", () => {
  it("a request without traceparent starts a trace the services join: gateway → user → order, parent by parent", () => {
    const chain = chainOf("new-trace");
    expect(chain[0]!.parentSpanId).toBe("");
    expect(chain[0]!.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
    expect(chain.map((s) => s.name)).toEqual([
      "GET /api/users/{id}",
      "user.v1.UserService/GetUserById",
      "user.v1.UserService/GetUserById",
      "orders.v1.OrderService/GetOrdersByUserId",
      "orders.v1.OrderService/GetOrdersByUserId",
    ]);
    expect(chain[0]!.attributes).toMatchObject({ "http.response.status_code": 200, "http.route": "/api/users/{id}" });
    expect(chain[2]!.attributes).toMatchObject({ "rpc.system": "connect_rpc", "rpc.response.status_code": "ok" });
    expect(chain[4]!.attributes).toMatchObject({ "rpc.system": "grpc", "rpc.method": "GetOrdersByUserId" });
  });

  it("a caller's traceparent is continued: same trace id, the caller's span as the gateway's parent", () => {
    const chain = chainOf("continued");
    expect(chain[0]!.traceId).toBe(callerTraceId);
    expect(chain[0]!.parentSpanId).toBe(callerSpanId);
  });

  it("every export was OTLP/HTTP JSON", () => {
    expect(new Set(receiver.contentTypes)).toEqual(new Set(["application/json"]));
  });
});
