// Stock gRPC clients during a migration: a grpc-js and a Python grpcio client on insecure
// channels that cannot add a token. TRUSTED_CALLERS (off by default) lets them in by their TCP
// peer address; the user service's onward call to the order service carries a service token
// it signs for that network's scope. Real service processes, native gRPC over HTTP/2.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { grpc, startFaultProxy, type FaultProxy } from "@grpc-edge/service-kit/testing";
import { grpcJsClients } from "../../services/user/test/grpc-js-clients.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllServices, spawnService, type ServiceProcess } from "./service-process.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const temp = mkdtempSync(path.join(tmpdir(), "grpc-edge-trusted-"));
const descriptorSet = path.join(temp, "contract.binpb");

let untrusting: ServiceProcess;
let trusting: ServiceProcess;
/** Reaches `trusting` from 127.0.0.2, an address outside its list. */
let elsewhere: FaultProxy;

beforeAll(async () => {
  const order = await spawnService("order");
  untrusting = await spawnService("user", { ORDER_SERVICE_URL: order.url });
  trusting = await spawnService("user", { ORDER_SERVICE_URL: order.url, TRUSTED_CALLERS: "127.0.0.1/32=users:read" });
  elsewhere = await startFaultProxy({ port: trusting.port }, { localAddress: "127.0.0.2" });
  // The messages the Python client needs, as buf builds them (imports included).
  await run(path.join(root, "node_modules/.bin/buf"), ["build", "-o", descriptorSet], { cwd: path.join(root, "proto") });
}, 60_000);

afterAll(async () => {
  await elsewhere?.close();
  await killAllServices();
  rmSync(temp, { recursive: true, force: true });
});

/** One GetUserById with grpc-js (no token unless `token`); the status code name or "OK" with the reply. */
async function grpcJs(url: string, method = "GetUserById", request: object = { id: 1 }, token?: string) {
  const clients = grpcJsClients(url, null);
  try {
    const res = await clients.call(clients.user, method, request, 5_000, token ? { metadata: { authorization: `Bearer ${token}` } } : {});
    return { code: "OK", res };
  } catch (error) {
    return { code: grpc.status[(error as grpc.ServiceError).code] };
  } finally {
    clients.close();
  }
}

async function grpcio(url: string, method = "GetUserById", request: object = { id: 1 }) {
  const { stdout } = await run("/usr/bin/python3", [
    path.join(root, "test/clients/grpcio-call.py"),
    descriptorSet,
    url.replace(/^http:\/\//, ""),
    `/user.v1.UserService/${method}`,
    JSON.stringify(request),
  ]);
  const out = JSON.parse(stdout) as { ok: boolean; code?: string; response?: any };
  return out.ok ? { code: "OK", res: out.response } : { code: out.code };
}

describe.each([
  ["grpc-js", grpcJs],
  ["grpcio (Python)", grpcio],
] as const)("a stock %s client without a token", (_client, call) => {
  it("is refused by default (TRUSTED_CALLERS unset)", async () => {
    expect((await call(untrusting.url)).code).toBe("UNAUTHENTICATED");
  });

  it("is served from a listed network, the user's orders included (the onward call carries a token the order service accepts)", async () => {
    const { code, res } = await call(trusting.url);
    expect(code).toBe("OK");
    expect(res.user.id).toBe(1);
    expect(res.user.orders).toHaveLength(3);
  });

  it("gets only its network's scope: users:read may not create users", async () => {
    expect((await call(trusting.url, "CreateUser", { first_name: "A", last_name: "B", email: "a.b@example.com" })).code).toBe("PERMISSION_DENIED");
  });

  it("is refused from an address outside the list (through a proxy bound to 127.0.0.2)", async () => {
    expect((await call(elsewhere.url)).code).toBe("UNAUTHENTICATED");
  });
});

describe("a listed network", () => {
  it("never decides a request that carries a token: a bad token is refused", async () => {
    expect((await grpcJs(trusting.url, "GetUserById", { id: 1 }, "a.b.c")).code).toBe("UNAUTHENTICATED");
  });

  it("logs every trusted call with its peer address and the scope it acted with", async () => {
    await grpcJs(trusting.url, "GetUserById", { id: 2 });
    const lines = trusting
      .output()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: "rpc", rpc: "user.v1.UserService/GetUserById", trustedPeer: "127.0.0.1", authz: "users:read", code: "ok" }),
    );
  });
});
