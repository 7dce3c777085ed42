// "Who cancelled order 5?", answered from the logs alone (docs/operations.md, "Audit trail"):
// the gateway in real workerd, the user and order services as real processes (their JSON
// log lines on stdout), an end-user token whose jti is known.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../../workers/gateway/test/start-gateway.ts";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

let order: ServiceProcess;
let user: ServiceProcess;
let gateway: RunningGateway;

beforeAll(async () => {
  order = await spawnService("order");
  user = await spawnService("user", { ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url, onLog: () => {} });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
  await killAllServices();
});

type LogLine = Record<string, unknown>;
const jsonLines = (text: readonly string[]): LogLine[] =>
  text.flatMap((line) => line.split("\n")).filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as LogLine);

describe("audit trail", () => {
  it("finds who cancelled order 5 in the gateway's access log and the order service's RPC log, by sub, jti and request id", async () => {
    // Ana (user 1) places order 5 (the demo data has 4) and cancels it with a token whose jti is known.
    const bearer = async (jti: string) => ({ authorization: `Bearer ${await mintJwt({ sub: "1", claims: { jti } })}` });
    const placed = await fetch(`${gateway.url}/api/users/1/orders`, {
      method: "POST",
      headers: { ...(await bearer("tok-place")), "content-type": "application/json" },
      body: JSON.stringify({ itemId: 2, amount: 1 }),
    });
    expect(placed.ok).toBe(true);
    expect(Number(((await placed.json()) as { id: string | number }).id)).toBe(5);
    const cancelToken = await bearer("tok-cancel-5");
    const cancelled = await fetch(`${gateway.url}/api/orders/5:cancel`, { method: "POST", headers: cancelToken });
    expect(cancelled.status).toBe(200);
    // Someone else tries too: refused by the order service, and logged as such.
    const intruder = await fetch(`${gateway.url}/api/orders/5:cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${await mintJwt({ sub: "2", claims: { jti: "tok-intruder" } })}` },
    });
    expect(intruder.status).toBe(403);

    // 1. The gateway: which signed-in callers asked to cancel order 5, and what came of it.
    const edge = jsonLines(gateway.logs.map((l) => l.message)).filter((l) => l.path === "/api/orders/5:cancel");
    expect(edge).toEqual([
      expect.objectContaining({ method: "POST", status: 200, sub: "1", jti: "tok-cancel-5", authz: "token", rpc: "orders.v1.OrderService/CancelOrder", rpcCode: "ok" }),
      expect.objectContaining({ method: "POST", status: 403, sub: "2", jti: "tok-intruder", authz: "token", rpcCode: "permission_denied" }),
    ]);
    // 2. The order service: the same requests by request id, with its own decision.
    const rpcs = jsonLines([order.output()]).filter((l) => l.msg === "rpc" && l.rpc === "orders.v1.OrderService/CancelOrder");
    const done = rpcs.find((l) => l.requestId === edge[0]!.requestId);
    expect(done).toMatchObject({ sub: "1", jti: "tok-cancel-5", code: "ok", traceId: edge[0]!.traceId });
    expect(done!.authz).not.toBe("denied");
    expect(rpcs.find((l) => l.requestId === edge[1]!.requestId)).toMatchObject({ sub: "2", jti: "tok-intruder", authz: "denied", code: "permission_denied" });
    // Never a token, never an email, in either log.
    const everything = [...gateway.logs.map((l) => l.message), order.output(), user.output()].join("\n");
    expect(everything).not.toContain(cancelToken.authorization.slice("Bearer ".length));
    expect(everything).not.toMatch(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/);
  });
});
