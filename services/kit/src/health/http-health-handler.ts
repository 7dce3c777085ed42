import type { NodeHandler } from "../server/index.ts";
import { ServingStatus, type HealthRegistry } from "./health-registry.ts";

/**
 * Plain HTTP probes for load balancers and orchestrators that do not speak gRPC:
 * `/healthz` (liveness: the process answers) and `/readyz` (readiness: serving
 * and the database reachable). Returns false for any other path.
 */
export function httpHealthHandler(registry: HealthRegistry, databaseReachable: () => Promise<boolean>) {
  return (req: Parameters<NodeHandler>[0], res: Parameters<NodeHandler>[1]): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/healthz" && path !== "/readyz") return false;
    const reply = (status: number, body: object) => {
      const json = JSON.stringify(body);
      (res as import("node:http").ServerResponse).writeHead(status, {
        "content-type": "application/json",
        "cache-control": "no-store",
        "content-length": Buffer.byteLength(json),
      });
      res.end(json);
    };
    if (req.method !== "GET" && req.method !== "HEAD") {
      reply(405, { status: "method not allowed" });
      return true;
    }
    if (path === "/healthz") {
      reply(200, { status: "alive" });
      return true;
    }
    if (registry.get("") !== ServingStatus.SERVING) {
      reply(503, { status: "not serving" });
      return true;
    }
    databaseReachable().then(
      (ok) => reply(ok ? 200 : 503, { status: ok ? "ready" : "database unreachable" }),
      () => reply(503, { status: "database unreachable" }),
    );
    return true;
  };
}
