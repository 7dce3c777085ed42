// The README's first command, as a user runs it: `npm run dev` brings up the
// three tiers (wrangler dev included), serves the seeded data, and Ctrl-C
// (SIGINT) stops everything cleanly.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@grpc-edge/service-kit/testing";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

it("npm run dev serves the seeded data through all three tiers and stops on Ctrl-C", { timeout: 150_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "grpc-edge-dev-"));
  const [order, user, gateway] = [await freePort(), await freePort(), await freePort()];
  const dev = spawn(process.execPath, [join(root, "scripts/dev.ts")], {
    cwd: root,
    env: { ...process.env, ORDER_PORT: String(order), USER_PORT: String(user), GATEWAY_PORT: String(gateway), ORDER_METRICS_PORT: "0", USER_METRICS_PORT: "0", DEV_DATA_DIR: dataDir, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  dev.stdout!.on("data", (c) => (output += c));
  dev.stderr!.on("data", (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => dev.once("exit", (code) => resolve(code)));
  try {
    await expect.poll(() => output, { timeout: 120_000, interval: 250 }).toContain("grpc-edge is running");
    expect(output).toContain(`curl http://localhost:${gateway}/api/users`);

    const one = await fetch(`http://127.0.0.1:${gateway}/api/users/1`);
    expect(one.status).toBe(200);
    const body = (await one.json()) as any;
    expect(body.user).toMatchObject({ id: 1, firstName: "Petar", lastName: "Petrovic" });
    expect(body.user.orders).toHaveLength(3);
    const all = (await (await fetch(`http://127.0.0.1:${gateway}/api/users`)).json()) as any;
    expect(all.users.map((u: { id: number }) => u.id)).toEqual([1, 2, 3]);

    // Writes need a token; the banner says how to mint one, and it works.
    expect(output).toContain("npm run -s token -- --sub 1 --admin");
    const order = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ itemId: 4, amount: 1 }) };
    expect((await fetch(`http://127.0.0.1:${gateway}/api/users/3/orders`, order)).status).toBe(401);
    const token = execFileSync(process.execPath, [join(root, "scripts/token.ts"), "--sub", "3"], { env: { ...process.env, DEV_DATA_DIR: dataDir, JWT_SECRET: "" }, encoding: "utf8" }).trim();
    const placed = await fetch(`http://127.0.0.1:${gateway}/api/users/3/orders`, { ...order, headers: { ...order.headers, authorization: `Bearer ${token}` } });
    expect(placed.status).toBe(201);
    const placedOrder = (await placed.json()) as { id: number };
    expect(placedOrder).toMatchObject({ userId: 3, item: { id: 4 } });
    // GetOrder goes straight to the order service: the dev runner points ORDER_SERVICE_URL at it.
    const fetched = await fetch(`http://127.0.0.1:${gateway}/api/orders/${placedOrder.id}`);
    expect([fetched.status, ((await fetched.json()) as { id: number }).id]).toEqual([200, placedOrder.id]);
    // The /docs page under wrangler dev: the Worker runs first there, hands GETs to the assets and
    // answers other methods itself, with a problem.
    const page = await fetch(`http://127.0.0.1:${gateway}/docs/`);
    expect([page.status, page.headers.get("content-type")]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    await page.arrayBuffer();
    const refused = await fetch(`http://127.0.0.1:${gateway}/docs/`, { method: "POST", body: "{}" });
    expect([refused.status, refused.headers.get("allow"), refused.headers.get("content-type")]).toEqual([405, "GET, HEAD", "application/problem+json"]);
    await refused.arrayBuffer();

    dev.kill("SIGINT");
    expect(await exited).toBe(0);
    // Every tier is gone: nothing answers on any of the three ports.
    for (const port of [order, user, gateway]) {
      await expect(fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    }
  } finally {
    dev.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
});
