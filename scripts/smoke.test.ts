// `npm run smoke` against the real stack: both services (PGlite) and the gateway bundle in workerd.
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { orderServiceDefinition } from "@grpc-edge/order-service";
import { startService, type RunningService } from "@grpc-edge/service-kit";
import { testServiceEnv } from "@grpc-edge/service-kit/testing";
import { userServiceDefinition } from "@grpc-edge/user-service";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintJwt } from "../workers/gateway/test/jwt-test-kit.ts";
import { startGateway, type RunningGateway } from "../workers/gateway/test/start-gateway.ts";
import { runSmoke } from "./smoke.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
let order: RunningService;
let user: RunningService;
let gateway: RunningGateway;

beforeAll(async () => {
  const env = testServiceEnv({ SEED_DEMO_DATA: "true" });
  order = await startService(orderServiceDefinition, env);
  user = await startService(userServiceDefinition, { ...env, ORDER_SERVICE_URL: order.url });
  gateway = await startGateway({ userServiceUrl: user.url, orderServiceUrl: order.url });
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await user?.stop(1_000);
  await order?.stop(1_000);
});

const adminToken = () => mintJwt({ sub: "1", scope: "admin" });

/** Users whose email a smoke run made: none may be left. */
async function smokeUsers(): Promise<string[]> {
  const res = await fetch(`${gateway.url}/api/users?pageSize=500`, { headers: { authorization: `Bearer ${await adminToken()}` } });
  const body = (await res.json()) as { users: { email: string }[] };
  return body.users.map((u) => u.email).filter((email) => email.startsWith("smoke-"));
}

describe("npm run smoke", () => {
  it("passes every named step against a working stack, exit 0, and leaves nothing behind", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, "scripts/smoke.ts"), gateway.url, "--token", await adminToken()]);
    const steps = stdout.split("\n").filter((line) => line.startsWith("ok  "));
    expect(steps.map((line) => line.replace(/ \(\d+ ms\)$/, ""))).toEqual([
      "ok  GET /healthz answers ok",
      "ok  GET /openapi.json lists the API",
      "ok  GET /api/users?pageSize=1 reads a page of users",
      "ok  GET /api/items?pageSize=1 finds an item",
      "ok  POST /api/users with an Idempotency-Key creates a user",
      "ok  the same POST /api/users replayed answers the same user (Idempotent-Replayed)",
      expect.stringMatching(/^ok {2}GET \/api\/users\/\d+ reads her back$/),
      expect.stringMatching(/^ok {2}POST \/api\/users\/\d+\/orders with an Idempotency-Key places an order$/),
      "ok  the same order POST replayed answers the same order (Idempotent-Replayed)",
      expect.stringMatching(/^ok {2}POST \/api\/orders\/\d+:cancel cancels it$/),
      expect.stringMatching(/^ok {2}DELETE \/api\/users\/\d+ deletes the user$/),
      expect.stringMatching(/^ok {2}GET \/api\/users\/\d+ is gone \(404\)$/),
    ]);
    expect(stdout).toContain(`smoke test passed: 12 steps against ${gateway.url}`);
    expect(await smokeUsers()).toEqual([]);
  });

  it("without a token fails at the first write with a clear message, and exits non-zero", async () => {
    const failure = promisify(execFile)(process.execPath, [path.join(root, "scripts/smoke.ts"), gateway.url], { env: { PATH: process.env.PATH } });
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/FAIL POST \/api\/users: expected 200 or 201, got 401 .*pass an admin's token with --token/),
    });
  });

  it("when a step fails after the user and order exist, cancels and deletes them, and says which step failed", async () => {
    const lines: string[] = [];
    let refusedOnce = false;
    // The first cancel answers 503 as a failing deployment would; everything else is real.
    const flaky: typeof fetch = async (input, init) => {
      if (!refusedOnce && String(input).endsWith(":cancel")) {
        refusedOnce = true;
        return new Response(JSON.stringify({ title: "Unavailable", detail: "injected" }), { status: 503 });
      }
      return fetch(input, init);
    };
    const passed = await runSmoke({ baseUrl: gateway.url, token: await adminToken(), print: (l) => lines.push(l), fetch: flaky });
    expect(passed).toBe(false);
    expect(lines).toContainEqual(expect.stringMatching(/^FAIL POST …:cancel: expected 200, got 503 Unavailable: injected$/));
    expect(lines.at(-1)).toMatch(/^smoke test FAILED after 9 passed steps/);
    expect(await smokeUsers()).toEqual([]);
  });

  it("says so when nothing answers", async () => {
    const lines: string[] = [];
    expect(await runSmoke({ baseUrl: "http://127.0.0.1:9", print: (l) => lines.push(l), timeoutMs: 2_000 })).toBe(false);
    expect(lines[0]).toMatch(/^FAIL GET \/healthz: no answer/);
  });

  it("without a URL prints the usage and exits 2", async () => {
    await expect(promisify(execFile)(process.execPath, [path.join(root, "scripts/smoke.ts")])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("usage: npm run smoke") });
  });
});
