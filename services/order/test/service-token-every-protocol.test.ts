// Service-to-service authentication as every kind of client meets it: native gRPC
// (grpc-js, HTTP/2), gRPC-Web and Connect (HTTP/1.1) on the one port. Probes stay open.
import { Code, ConnectError, createClient, type Interceptor } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { grpc, messageOf, mintServiceToken, testServiceEnv } from "@grpc-edge/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderServiceDefinition } from "../src/index.ts";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";

let service: RunningService;
beforeAll(async () => {
  service = await startService(orderServiceDefinition, testServiceEnv({ SEED_DEMO_DATA: "true" }));
});
afterAll(() => service?.stop(1_000));

const withAuthorization = (value: string | undefined): Interceptor => (next) => (req) => {
  if (value !== undefined) req.header.set("authorization", value);
  return next(req);
};

const protocols = [
  ["Connect", createConnectTransport],
  ["gRPC-Web", createGrpcWebTransport],
] as const;

const cases = async (): Promise<Array<[string, string | undefined, string]>> => [
  ["no token", undefined, "missing service token"],
  ["an empty header", "", "missing service token"],
  ["Basic credentials", "Basic dXNlcjpwYXNz", "invalid service token"],
  ["a token signed with another secret", `Bearer ${await mintServiceToken({ secret: "someone-elses-secret-of-32-bytes-or-more" })}`, "invalid service token"],
  ["an expired token", `Bearer ${await mintServiceToken({ iat: Math.floor(Date.now() / 1000) - 120 })}`, "expired service token"],
];

describe.each(protocols)("over %s", (_name, createTransport) => {
  it("refuses calls without a valid token: UNAUTHENTICATED with a short message", async () => {
    for (const [label, authorization, message] of await cases()) {
      const client = createClient(OrderService, createTransport({ baseUrl: service.url, httpVersion: "1.1", interceptors: [withAuthorization(authorization)] }));
      const error = await client.getItem({ id: 1 }).then(
        () => expect.unreachable(label),
        (e: unknown) => ConnectError.from(e),
      );
      expect([error.code, error.rawMessage], label).toEqual([Code.Unauthenticated, message]);
    }
  });

  it("serves a valid token", async () => {
    const token = await mintServiceToken({ scope: "" });
    const client = createClient(OrderService, createTransport({ baseUrl: service.url, httpVersion: "1.1", interceptors: [withAuthorization(`Bearer ${token}`)] }));
    expect((await client.getItem({ id: 1 })).name).toBe("pencil");
  });
});

describe("over native gRPC (grpc-js)", () => {
  it("refuses calls without a valid token, answers one with, and leaves grpc.health.v1 open", async () => {
    const anonymous = grpcJsClients(service.url, null);
    const wrong = grpcJsClients(service.url, { secret: "someone-elses-secret-of-32-bytes-or-more" });
    const good = grpcJsClients(service.url, { scope: "" });
    try {
      const missing = await anonymous.fail(anonymous.order, "GetItem", { id: 1 });
      expect([missing.code, messageOf(missing)]).toEqual([grpc.status.UNAUTHENTICATED, "missing service token"]);
      const invalid = await wrong.fail(wrong.order, "GetItem", { id: 1 });
      expect([invalid.code, messageOf(invalid)]).toEqual([grpc.status.UNAUTHENTICATED, "invalid service token"]);
      expect(await good.call(good.order, "GetItem", { id: 1 })).toEqual({ id: 1, name: "pencil" });
      // Probes carry no token.
      expect(await anonymous.call(anonymous.health, "Check", { service: "orders.v1.OrderService" })).toEqual({ status: "SERVING" });
    } finally {
      for (const c of [anonymous, wrong, good]) c.close();
    }
  });
});

describe("unauthenticated requests cost no parsing", () => {
  it("refuses a body the server could not even parse, UNAUTHENTICATED rather than a parse error", async () => {
    const garbage = new Uint8Array(1_000).fill(0xff);
    const res = await fetch(`${service.url}/orders.v1.OrderService/GetItem`, { method: "POST", headers: { "content-type": "application/proto" }, body: garbage });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: "unauthenticated", message: "missing service token" });
    // The same bytes with a token: now they are read (and fail to parse).
    const authorized = await fetch(`${service.url}/orders.v1.OrderService/GetItem`, {
      method: "POST",
      headers: { "content-type": "application/proto", authorization: `Bearer ${await mintServiceToken()}` },
      body: garbage,
    });
    expect(authorized.status).not.toBe(401);
    expect(((await authorized.json()) as { code: string }).code).not.toBe("unauthenticated");
  });

  it("keeps the HTTP probes open", async () => {
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
  });
});
