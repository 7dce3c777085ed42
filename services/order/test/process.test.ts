import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { OrderEventType } from "@grpc-edge/proto/orders/v1";
import { freePort, TEST_SERVICE_TOKEN_SECRET } from "@grpc-edge/service-kit/testing";
import { afterEach, describe, expect, it } from "vitest";
import { grpcJsClients } from "../../user/test/grpc-js-clients.ts";
import { isLive, orderClient, protocols, record, type RecordedStream } from "./watch-client.ts";

// The service as its container runs it: `node src/main.ts`, configured by environment only.
const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const running: ChildProcess[] = [];
afterEach(() => running.splice(0).forEach((p) => p.kill("SIGKILL")));

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, LOG_LEVEL: "info", METRICS_PORT: "0", SERVICE_TOKEN_SECRET: TEST_SERVICE_TOKEN_SECRET, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitReady(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready: ${url}`);
}

/** The JSON log lines of a run (pino: one object per line). */
function logLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function rpcLines(stdout: string, rpc = "orders.v1.OrderService/WatchOrders"): Array<Record<string, unknown>> {
  return logLines(stdout).filter((line) => line.rpc === rpc);
}

describe("order service process", () => {
  it("refuses to start on bad configuration with one clear message and exit code 1", async () => {
    const proc = start({ PORT: "seventy", LOG_LEVEL: "loud", PGLITE_DATA_DIR: "memory://", SERVICE_TOKEN_SECRET: "too-short-s3cret" });
    expect(await proc.exited).toBe(1);
    const { stderr } = proc.output();
    expect(stderr).toContain('PORT must be an integer between 0 and 65535 (got "seventy")');
    expect(stderr).toContain("LOG_LEVEL must be one of debug, info, warn, error, silent");
    expect(stderr).toContain("SERVICE_TOKEN_SECRET must be at least 32 bytes long");
    expect(stderr).not.toContain("too-short-s3cret");
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("on SIGTERM turns NOT_SERVING for watchers, drains and exits 0", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const proc = start({ PORT: String(port), PGLITE_DATA_DIR: "memory://" });
    await waitReady(url);
    const clients = grpcJsClients(url);
    const seen: string[] = [];
    const watch = (clients.health as any).Watch({ service: "orders.v1.OrderService" });
    const ended = new Promise<void>((resolve) => {
      watch.on("data", (res: { status: string }) => seen.push(res.status));
      watch.on("end", resolve);
      watch.on("error", () => resolve());
    });
    await expect.poll(() => seen).toEqual(["SERVING"]);
    proc.child.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    await ended;
    expect(seen).toEqual(["SERVING", "NOT_SERVING"]);
    expect(proc.output().stdout).toContain('"drained":true');
    clients.close();
  });

  it("on SIGTERM ends WatchOrders streams with RECONNECT at once, so the drain does not wait for them", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    // A grace far longer than the test's patience: only streams that end themselves let it drain.
    const proc = start({ PORT: String(port), PGLITE_DATA_DIR: "memory://", SHUTDOWN_GRACE_MS: "60000", WATCH_HEARTBEAT_MS: "200" });
    await waitReady(url);
    // (record() handles its stream's end itself: `ended` never rejects.)
    const streams: RecordedStream[] = [];
    for (const [, transport] of protocols) streams.push(record(orderClient(transport(url, { sub: 1 })), { userId: 1 }));
    // And one whose client goes away first: the service sees a cancelled call.
    const leaving = record(orderClient(protocols[0][1](url, { sub: 2 })), { userId: 2 });
    await expect.poll(() => [...streams, leaving].every(isLive)).toBe(true);
    leaving.cancel();
    await expect.poll(() => rpcLines(proc.output().stdout).length).toBe(1);
    proc.child.kill("SIGTERM");
    for (const stream of streams) {
      expect(await stream.ended).toEqual({});
      expect(stream.events.at(-1)?.type).toBe(OrderEventType.RECONNECT);
    }
    expect(await proc.exited).toBe(0);
    expect(proc.output().stdout).toContain('"drained":true');
    // One log line per stream, written when it ended, with its outcome and who watched.
    expect(rpcLines(proc.output().stdout).map((l) => [l.sub, l.code])).toEqual([["2", "canceled"], ["1", "ok"], ["1", "ok"]]);
  });

  it("keeps its PGlite data across restarts and seeds only the first time", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "order-data-"));
    try {
      for (const round of [1, 2]) {
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        const proc = start({ PORT: String(port), PGLITE_DATA_DIR: dataDir, SEED_DEMO_DATA: "true" });
        await waitReady(url);
        const clients = grpcJsClients(url);
        const res = await clients.call(clients.order, "GetOrdersByUserIds", { user_ids: [1, 2] });
        expect(res.orders).toHaveLength(4);
        clients.close();
        proc.child.kill("SIGTERM");
        expect(await proc.exited).toBe(0);
        expect(proc.output().stdout.includes("demo data loaded")).toBe(round === 1);
        // A clean start and stop, on a new database or an existing one, warns of nothing.
        expect(logLines(proc.output().stdout).filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
