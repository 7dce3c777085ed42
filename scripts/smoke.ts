// `npm run smoke -- <url> [--token <jwt>]`: the post-deploy smoke test, against any gateway
// (`npm run dev`'s http://localhost:8787 included). Reads, a keyed create of a user and an order,
// the same keys replayed, the order cancelled and the user deleted: nothing is left behind, even
// when a step fails. Each step is named in the output; the exit code is 0 only if all pass.
// The token must be an admin's (creating users is admin-only): `npm run token -- --sub 1 --admin`
// in development, the identity provider's in production (docs/deploy.md). SMOKE_TOKEN works too.
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

export interface SmokeOptions {
  baseUrl: string;
  token?: string;
  /** Where each step's line goes (default: stdout). */
  print?: (line: string) => void;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** How requests are sent (default: the global fetch). */
  fetch?: typeof fetch;
}

class StepFailed extends Error {}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** Runs every step; resolves true when all passed. Never throws for a failed step. */
export async function runSmoke({ baseUrl, token, print = (line) => console.log(line), timeoutMs = 10_000, fetch = globalThis.fetch }: SmokeOptions): Promise<boolean> {
  const base = baseUrl.replace(/\/+$/, "");
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const run = `smoke-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  async function send(method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<Reply> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new StepFailed(`${method} ${path}: no answer (${(error as Error).cause ?? (error as Error).message})`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the message.
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  function expectStatus(reply: Reply, allowed: number[], what: string): void {
    if (allowed.includes(reply.status)) return;
    const problem = typeof reply.body === "object" && reply.body ? `${reply.body.title ?? ""}: ${reply.body.detail ?? ""}` : String(reply.body ?? "").slice(0, 200);
    const hint = reply.status === 401 ? " (pass an admin's token with --token)" : reply.status === 403 ? " (the token is not an admin's)" : "";
    throw new StepFailed(`${what}: expected ${allowed.join(" or ")}, got ${reply.status} ${problem}${hint}`);
  }

  let passed = 0;
  async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    passed++;
    print(`ok  ${name} (${Math.round(performance.now() - started)} ms)`);
    return result;
  }

  let userId: number | undefined;
  let orderId: number | undefined;
  try {
    await step("GET /healthz answers ok", async () => {
      const reply = await send("GET", "/healthz");
      expectStatus(reply, [200], "GET /healthz");
      if (reply.body?.status !== "ok") throw new StepFailed(`GET /healthz: unexpected body ${JSON.stringify(reply.body)}`);
    });
    await step("GET /openapi.json lists the API", async () => {
      const reply = await send("GET", "/openapi.json");
      expectStatus(reply, [200], "GET /openapi.json");
      if (!reply.body?.paths?.["/api/users/{id}"]) throw new StepFailed("GET /openapi.json: no /api/users/{id} in paths");
    });
    await step("GET /api/users?pageSize=1 reads a page of users", async () => {
      expectStatus(await send("GET", "/api/users?pageSize=1"), [200], "GET /api/users");
    });
    const itemId = await step("GET /api/items?pageSize=1 finds an item", async () => {
      const reply = await send("GET", "/api/items?pageSize=1");
      expectStatus(reply, [200], "GET /api/items");
      const id = reply.body?.items?.[0]?.id;
      if (typeof id !== "number") throw new StepFailed("GET /api/items: the catalogue is empty");
      return id;
    });

    const newUser = { firstName: "Smoke", lastName: "Test", email: `${run}@example.com` };
    const userKey = { "idempotency-key": `${run}-user` };
    const created = await step("POST /api/users with an Idempotency-Key creates a user", async () => {
      const reply = await send("POST", "/api/users", newUser, userKey);
      expectStatus(reply, [200, 201], "POST /api/users");
      userId = reply.body.id;
      return reply.body;
    });
    await step("the same POST /api/users replayed answers the same user (Idempotent-Replayed)", async () => {
      const reply = await send("POST", "/api/users", newUser, userKey);
      expectStatus(reply, [200, 201], "POST /api/users (replay)");
      if (reply.body?.id !== created.id || reply.headers.get("idempotent-replayed") !== "true") {
        throw new StepFailed(`POST /api/users (replay): got user ${reply.body?.id} replayed=${reply.headers.get("idempotent-replayed")}, expected user ${created.id} replayed=true`);
      }
    });
    await step(`GET /api/users/${created.id} reads her back`, async () => {
      const reply = await send("GET", `/api/users/${created.id}`);
      expectStatus(reply, [200], `GET /api/users/${created.id}`);
      if (reply.body?.user?.email !== newUser.email) throw new StepFailed(`GET /api/users/${created.id}: another email came back`);
    });

    const orderKey = { "idempotency-key": `${run}-order` };
    const order = await step(`POST /api/users/${created.id}/orders with an Idempotency-Key places an order`, async () => {
      const reply = await send("POST", `/api/users/${created.id}/orders`, { itemId, amount: 1 }, orderKey);
      expectStatus(reply, [200, 201], "POST …/orders");
      orderId = reply.body.id;
      return reply.body;
    });
    await step("the same order POST replayed answers the same order (Idempotent-Replayed)", async () => {
      const reply = await send("POST", `/api/users/${created.id}/orders`, { itemId, amount: 1 }, orderKey);
      expectStatus(reply, [200, 201], "POST …/orders (replay)");
      if (reply.body?.id !== order.id || reply.headers.get("idempotent-replayed") !== "true") {
        throw new StepFailed(`POST …/orders (replay): got order ${reply.body?.id}, expected ${order.id} replayed`);
      }
    });
    await step(`POST /api/orders/${order.id}:cancel cancels it`, async () => {
      const reply = await send("POST", `/api/orders/${order.id}:cancel`, {});
      expectStatus(reply, [200], "POST …:cancel");
      if (reply.body?.status !== "ORDER_STATUS_CANCELLED") throw new StepFailed(`POST …:cancel: status ${reply.body?.status}`);
      orderId = undefined;
    });
    await step(`DELETE /api/users/${created.id} deletes the user`, async () => {
      expectStatus(await send("DELETE", `/api/users/${created.id}`), [200, 204], `DELETE /api/users/${created.id}`);
      userId = undefined;
    });
    await step(`GET /api/users/${created.id} is gone (404)`, async () => {
      expectStatus(await send("GET", `/api/users/${created.id}`), [404], `GET /api/users/${created.id} after DELETE`);
    });
    print(`smoke test passed: ${passed} steps against ${base}`);
    return true;
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    print(`FAIL ${error.message}`);
    // Leave nothing behind: what this run created goes again (best effort, said if it fails).
    if (orderId !== undefined) await send("POST", `/api/orders/${orderId}:cancel`, {}).catch(() => print(`could not cancel order ${orderId}`));
    if (userId !== undefined) {
      const gone = await send("DELETE", `/api/users/${userId}`).then((r) => r.status < 300 || r.status === 404, () => false);
      if (!gone) print(`could not delete the smoke user ${userId}; delete it by hand`);
    }
    print(`smoke test FAILED after ${passed} passed steps against ${base}`);
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const usage = "usage: npm run smoke -- <gateway url> [--token <admin JWT>]   (or SMOKE_TOKEN=…)";
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { token: { type: "string" } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
  const [url] = parsed.positionals;
  if (url === undefined || !/^https?:\/\//.test(url)) {
    console.error(usage);
    process.exit(2);
  }
  const ok = await runSmoke({ baseUrl: url, token: parsed.values.token ?? process.env.SMOKE_TOKEN });
  process.exit(ok ? 0 : 1);
}
