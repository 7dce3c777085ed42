// The routes guard: every RPC the gateway publishes (a google.api.http annotation on a
// published service) is served where the gateway sends it. Real services in this process
// (in-memory PGlite, demo data), called as the gateway calls them: Connect, binary, with
// an admin service token. A new RPC routed to a service that lacks it answers
// UNIMPLEMENTED — and fails here instead of in production.
import { create, type DescMethod, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { serviceTokenInterceptor, testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpBindings } from "../../workers/gateway/src/transcoding/http-bindings.ts";
import { publishedServices } from "../../workers/gateway/src/routing/published-services.ts";
import { routeOverrides, upstreamOf, type Upstream } from "../../workers/gateway/src/routing/upstream-routes.ts";

// A valid request per published RPC (validation answers before an unimplemented handler
// would, so an invalid one could hide UNIMPLEMENTED). A new RPC needs its line here.
const samples = new Map<DescMethod, MessageInitShape<DescMethod["input"]>>([
  [UserService.method.getUserById, { id: 1 }],
  [UserService.method.getAllUsers, {}],
  [UserService.method.createUser, { firstName: "Route", lastName: "Guard", email: "route.guard@example.com" }],
  [UserService.method.updateUser, { id: 2, firstName: "Routed" }],
  [UserService.method.deleteUser, { id: 1 }],
  [OrderService.method.listItems, {}],
  [OrderService.method.getItem, { id: 1 }],
  [OrderService.method.createOrder, { userId: 1, itemId: 1, amount: 1 }],
  [OrderService.method.getOrder, { id: 1 }],
  [OrderService.method.listOrders, { userId: 1 }],
  [OrderService.method.cancelOrder, { id: 1 }],
]);

const published = [...new Set(httpBindings(publishedServices).map((binding) => binding.method))];

let order: RunningService;
let user: RunningService;
let upstreams: Record<Upstream, Transport>;

beforeAll(async () => {
  const env = testServiceEnv({ SEED_DEMO_DATA: "true" });
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  const transport = (baseUrl: string) =>
    createConnectTransport({ baseUrl, httpVersion: "1.1", useBinaryFormat: true, interceptors: [serviceTokenInterceptor({ scope: "admin" })] });
  upstreams = { user: transport(user.url), order: transport(order.url) };
});
afterAll(async () => {
  await user?.stop(0);
  await order?.stop(0);
});

/** The RPC's outcome at `upstream`: "ok" or the error's code. */
async function outcomeAt(upstream: Upstream, method: DescMethod): Promise<Code | "ok"> {
  const sample = samples.get(method);
  if (sample === undefined) throw new Error(`no sample request for ${method.parent.typeName}/${method.name}: add one to samples`);
  const client = createClient(method.parent, upstreams[upstream]) as unknown as Record<string, (req: unknown) => Promise<unknown>>;
  return client[method.localName]!(create(method.input, sample)).then(
    () => "ok" as const,
    (err: unknown) => ConnectError.from(err).code,
  );
}

describe("every published RPC is served by the upstream the gateway routes it to", () => {
  it("enumerates what the gateway publishes, with a sample request for each", () => {
    expect(published.length).toBeGreaterThanOrEqual(11);
    for (const method of published) expect(samples.has(method), `${method.parent.typeName}/${method.name}`).toBe(true);
  });

  it.each(published.map((method) => [`${method.parent.typeName}/${method.name}`, method] as const))("%s", async (_, method) => {
    const outcome = await outcomeAt(upstreamOf(method), method);
    expect(outcome, `${upstreamOf(method)} answered ${outcome === "ok" ? "ok" : Code[outcome]}`).not.toBe(Code.Unimplemented);
    // Not refused before it reached a handler either: the check would mean nothing.
    expect([Code.InvalidArgument, Code.Unauthenticated, Code.PermissionDenied]).not.toContain(outcome);
  });

  it("can fail: the other upstream answers UNIMPLEMENTED for what it does not serve", async () => {
    expect(await outcomeAt("user", OrderService.method.getItem)).toBe(Code.Unimplemented);
    expect(await outcomeAt("order", UserService.method.getUserById)).toBe(Code.Unimplemented);
  });

  it("states every override with a reason, and only for published RPCs", () => {
    for (const override of routeOverrides) {
      expect(published).toContain(override.method);
      expect(override.reason.length).toBeGreaterThan(20);
    }
  });
});
