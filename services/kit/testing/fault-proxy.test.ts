import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.ts";
import { freePort } from "./free-port.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A target that answers every chunk with `<tag>:<chunk>`. */
async function echoServer(tag: string): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("data", (chunk) => socket.write(`${tag}:${chunk.toString()}`));
    socket.on("end", () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as net.AddressInfo).port;
}

async function proxyTo(port: number, ...args: Parameters<typeof startFaultProxy> extends [unknown, ...infer R] ? R : never): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ port }, ...args);
  cleanups.push(() => proxy.close());
  return proxy;
}

interface Client {
  socket: net.Socket;
  received: () => string;
  /** "connected", then "end", "closed" or the error code. */
  events: string[];
}

function connect(port: number): Promise<Client> {
  return new Promise((resolve) => {
    let data = "";
    const events: string[] = [];
    const socket = net.connect({ host: "127.0.0.1", port });
    cleanups.push(() => socket.destroy());
    const client = { socket, received: () => data, events };
    socket.on("data", (chunk) => (data += chunk.toString()));
    socket.on("end", () => events.push("end"));
    socket.on("close", () => events.push("closed"));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      events.push(err.code ?? err.message);
      resolve(client);
    });
    socket.on("connect", () => {
      events.push("connected");
      resolve(client);
    });
  });
}

describe("startFaultProxy", () => {
  it("pass: forwards both ways and counts connections", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    const client = await connect(proxy.port);
    client.socket.write("hello");
    await expect.poll(client.received).toBe("a:hello");
    await connect(proxy.port);
    expect(proxy.accepted()).toBe(2);
    await expect.poll(() => proxy.open()).toBe(2);
    proxy.resetStats();
    expect(proxy.accepted()).toBe(0);
  });

  it("latency: delays the connection and every chunk, keeping their order", async () => {
    const proxy = await proxyTo(await echoServer("a"), { mode: { kind: "latency", perConnectionMs: 150, perChunkMs: 50 } });
    const client = await connect(proxy.port);
    const start = performance.now();
    for (const word of ["1", "2", "3"]) {
      client.socket.write(word);
      await sleep(5);
    }
    await expect.poll(client.received).not.toBe("");
    // 150 ms to dial, then 50 ms each way for the first chunk.
    expect(performance.now() - start).toBeGreaterThanOrEqual(240);
    await expect.poll(() => client.received().replaceAll("a:", "")).toBe("123");
  });

  it("reset new: a new connection is reset; open ones keep working", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    const before = await connect(proxy.port);
    await proxy.setMode({ kind: "reset", scope: "new" });
    const after = await connect(proxy.port);
    await expect.poll(() => after.events).toContain("ECONNRESET");
    before.socket.write("still");
    await expect.poll(before.received).toBe("a:still");
  });

  it("reset with a count: that many new connections are reset, then it passes again", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    await proxy.setMode({ kind: "reset", scope: "new", count: 2 });
    const [first, second] = [await connect(proxy.port), await connect(proxy.port)];
    await expect.poll(() => [first.events, second.events].every((e) => e.includes("ECONNRESET"))).toBe(true);
    const third = await connect(proxy.port);
    third.socket.write("ok");
    await expect.poll(third.received).toBe("a:ok");
    expect(proxy.mode).toEqual({ kind: "pass" });
  });

  it("reset all: open connections are reset too", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    const before = await connect(proxy.port);
    before.socket.write("x");
    await expect.poll(before.received).toBe("a:x");
    await proxy.setMode({ kind: "reset", scope: "all" });
    await expect.poll(() => before.events).toContain("ECONNRESET");
  });

  it("black hole: accepts and swallows writes, never answers, never closes; open connections go silent", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    const before = await connect(proxy.port);
    await proxy.setMode({ kind: "black-hole" });
    const after = await connect(proxy.port);
    after.socket.write("anyone?");
    before.socket.write("still?");
    await sleep(300);
    expect(after.events).toEqual(["connected"]);
    expect(after.received()).toBe("");
    expect(before.received()).toBe("");
    await proxy.setMode({ kind: "pass" });
    before.socket.write("back");
    await expect.poll(before.received).toBe("a:back");
  });

  it("refuse: connecting fails; open connections stay; back to pass on the same port", async () => {
    const proxy = await proxyTo(await echoServer("a"));
    const before = await connect(proxy.port);
    await proxy.setMode({ kind: "refuse" });
    expect((await connect(proxy.port)).events).toContain("ECONNREFUSED");
    before.socket.write("x");
    await expect.poll(before.received).toBe("a:x");
    await proxy.setMode({ kind: "pass" });
    const again = await connect(proxy.port);
    again.socket.write("y");
    await expect.poll(again.received).toBe("a:y");
  });

  it("setTarget: new connections go to the new target, open ones stay with the old", async () => {
    const proxy = await proxyTo(await echoServer("old"));
    const before = await connect(proxy.port);
    proxy.setTarget({ port: await echoServer("new") });
    const after = await connect(proxy.port);
    before.socket.write("1");
    after.socket.write("2");
    await expect.poll(before.received).toBe("old:1");
    await expect.poll(after.received).toBe("new:2");
  });

  it("a target that is down: the client's connection is reset", async () => {
    const proxy = await proxyTo(await freePort());
    const client = await connect(proxy.port);
    await expect.poll(() => client.events).toContain("closed");
    expect(client.events.some((e) => e === "ECONNRESET" || e === "end")).toBe(true);
    expect(proxy.accepted()).toBe(1);
  });

  it("can listen on a port of the caller's choosing", async () => {
    const port = await freePort();
    const proxy = await startFaultProxy({ port: await echoServer("a") }, { port });
    cleanups.push(() => proxy.close());
    expect(proxy.port).toBe(port);
    expect(proxy.url).toBe(`http://127.0.0.1:${port}`);
  });
});
