import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { leftInFlight } from "../../testing/left-in-flight.ts";
import { listenDualProtocol, type DualProtocolServer, type NodeHandler } from "./dual-protocol-server.ts";

let server: DualProtocolServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

/** Answers with the protocol, method and body length; waits ?delay=ms first. */
const echo: NodeHandler = (req, res) => {
  let length = 0;
  req.on("data", (chunk: Buffer) => (length += chunk.length));
  req.on("end", () => {
    const delay = Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0);
    setTimeout(() => res.end(JSON.stringify({ version: req.httpVersion, method: req.method, length })), delay);
  });
};

function h1(port: number, path: string, opts: { agent?: http.Agent; body?: Buffer } = {}) {
  return new Promise<{ status: number; body: any; connection?: string }>((resolve, reject) => {
    const req = http.request({ port, host: "127.0.0.1", path, method: opts.body ? "POST" : "GET", agent: opts.agent }, (res) => {
      let data = "";
      res.on("data", (c) => (data += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(data), connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

function h2(session: http2.ClientHttp2Session, path: string, body?: Buffer) {
  return new Promise<any>((resolve, reject) => {
    const stream = session.request({ ":path": path, ":method": body ? "POST" : "GET" });
    let data = "";
    stream.on("data", (c) => (data += c));
    stream.on("end", () => resolve(JSON.parse(data)));
    stream.on("error", reject);
    stream.end(body);
  });
}

describe("listenDualProtocol", () => {
  it("answers HTTP/1.1 (keep-alive, large bodies) and h2c on one port", async () => {
    server = await listenDualProtocol({ host: "127.0.0.1", port: 0, handler: echo });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const big = Buffer.alloc(1024 * 1024, 7);
    expect((await h1(server.port, "/a", { agent })).body).toEqual({ version: "1.1", method: "GET", length: 0 });
    expect((await h1(server.port, "/b", { agent, body: big })).body).toEqual({ version: "1.1", method: "POST", length: big.length });
    agent.destroy();

    const session = http2.connect(`http://127.0.0.1:${server.port}`);
    const answers = await Promise.all([h2(session, "/c"), h2(session, "/d", big)]);
    expect(answers).toEqual([
      { version: "2.0", method: "GET", length: 0 },
      { version: "2.0", method: "POST", length: big.length },
    ]);
    session.close();
  });

  it("drains: in-flight requests of both protocols finish, new connections are refused", async () => {
    server = await listenDualProtocol({ host: "127.0.0.1", port: 0, handler: echo });
    const port = server.port;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    await h2(session, "/warm-up");
    const slowH1 = leftInFlight(h1(port, "/slow?delay=300"));
    const slowH2 = leftInFlight(h2(session, "/slow?delay=300"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = leftInFlight(server.close(5_000));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.on("connect", () => (socket.destroy(), resolve(false)));
      socket.on("error", () => resolve(true));
    });
    expect(refused).toBe(true);
    expect((await slowH1).status).toBe(200);
    expect((await slowH1).connection).toBe("close");
    expect(await slowH2).toMatchObject({ version: "2.0" });
    expect(await closing).toEqual({ drained: true });
    server = undefined;
  });

  it("gives up after the grace period and tells the caller", async () => {
    let expired = false;
    server = await listenDualProtocol({ host: "127.0.0.1", port: 0, handler: () => {} });
    const hanging = h1(server.port, "/never").catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await server.close(200, () => (expired = true))).toEqual({ drained: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(expired).toBe(true);
    expect(await hanging).toBeInstanceOf(Error);
    server = undefined;
  });
});
