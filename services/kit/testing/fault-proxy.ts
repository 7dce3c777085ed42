import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** What the proxy does with traffic; switchable at any time with `setMode`. */
export type FaultMode =
  /** Forward both ways, untouched. */
  | { kind: "pass" }
  /** Forward, but wait `perConnectionMs` before dialing the target, and deliver each chunk `perChunkMs` after it arrived (both ways, pipelined, order kept). */
  | { kind: "latency"; perConnectionMs?: number; perChunkMs?: number }
  /** Answer with a TCP RST: new connections only, or existing ones too; after `count` new ones, back to pass. */
  | { kind: "reset"; scope: "new" | "all"; count?: number }
  /** Accept and read, never forward or answer (a stopped process, a partitioned host). Existing connections go silent too. */
  | { kind: "black-hole" }
  /** Close the listener: connecting fails (ECONNREFUSED); existing connections are left alone. */
  | { kind: "refuse" };

export interface FaultProxyTarget {
  host?: string;
  port: number;
}

export interface FaultProxy {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly mode: FaultMode;
  /** Switches the mode; resolves once it is in force (leaving "refuse": listening again, same port). */
  setMode(mode: FaultMode): Promise<void>;
  /** Where new connections go from now on (a rolling restart); open ones stay where they are. */
  setTarget(target: FaultProxyTarget): void;
  /** Connections accepted since start (or the last `resetStats`). */
  accepted(): number;
  /** Connections currently open on the client side. */
  open(): number;
  resetStats(): void;
  /** Closes the listener and destroys every connection. */
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
}

/**
 * A TCP proxy on 127.0.0.1 for fault-injection tests: put it between two tiers and
 * switch what the network does (latency, resets, a black hole, a refusing port).
 */
export async function startFaultProxy(
  target: FaultProxyTarget,
  // localAddress: the source address of the proxy's own connections (e.g. 127.0.0.2), so the
  // target sees a caller other than 127.0.0.1.
  options: { port?: number; mode?: FaultMode; localAddress?: string } = {},
): Promise<FaultProxy> {
  let current: FaultProxyTarget = { host: target.host ?? "127.0.0.1", port: target.port };
  let mode: FaultMode = options.mode ?? { kind: "pass" };
  let accepted = 0;
  let resetsLeft = mode.kind === "reset" ? (mode.count ?? 0) : 0;
  let server: net.Server | undefined;
  const pairs = new Set<Pair>();

  const onConnection = (client: net.Socket) => {
    accepted++;
    const pair: Pair = { client };
    pairs.add(pair);
    client.once("close", () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    client.on("error", () => client.destroy());
    void handle(pair, mode, current);
  };

  async function handle(pair: Pair, modeAtAccept: FaultMode, dial: FaultProxyTarget): Promise<void> {
    const { client } = pair;
    if (modeAtAccept.kind === "reset") {
      if (modeAtAccept.count !== undefined && --resetsLeft <= 0) mode = { kind: "pass" };
      return void client.resetAndDestroy();
    }
    if (modeAtAccept.kind === "black-hole") {
      client.resume(); // read and drop: the peer's writes succeed, nothing ever comes back
      return;
    }
    if (modeAtAccept.kind === "latency" && modeAtAccept.perConnectionMs) await sleep(modeAtAccept.perConnectionMs);
    if (client.destroyed) return;
    const upstream = net.connect({ host: dial.host, port: dial.port, noDelay: true, localAddress: options.localAddress });
    pair.upstream = upstream;
    upstream.once("close", () => client.destroy());
    // The target is down or gone: the client sees its connection reset, as it would without the proxy.
    upstream.on("error", () => (client.destroyed ? undefined : client.resetAndDestroy()));
    upstream.once("connect", () => {
      forward(client, upstream);
      forward(upstream, client);
      client.resume();
    });
  }

  /** Copies `from` → `to` chunk by chunk, applying the mode in force when each chunk arrives. */
  function forward(from: net.Socket, to: net.Socket): void {
    let queue: Promise<void> = Promise.resolve();
    from.on("data", (chunk: Buffer) => {
      if (mode.kind === "black-hole") return;
      // Each chunk is held perChunkMs from its arrival: a slow link, pipelined, order kept.
      const due = performance.now() + (mode.kind === "latency" ? (mode.perChunkMs ?? 0) : 0);
      queue = queue.then(async () => {
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.once("end", () => {
      queue = queue.then(() => void (to.destroyed ? undefined : to.end()));
    });
  }

  // A fresh listener each time: a closed one keeps serving its open connections.
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const next = net.createServer({ pauseOnConnect: true, noDelay: true }, onConnection);
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        next.off("error", reject);
        server = next;
        resolve((next.address() as net.AddressInfo).port);
      });
    });
  const unlisten = () => {
    server?.close();
    server = undefined;
  };

  const port = await listen(options.port ?? 0);
  if (mode.kind === "refuse") unlisten();

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    async setMode(next) {
      mode = next;
      if (next.kind === "reset") resetsLeft = next.count ?? 0;
      if (next.kind === "reset" && next.scope === "all") {
        for (const pair of pairs) {
          pair.upstream?.destroy();
          pair.client.resetAndDestroy();
        }
      }
      if (next.kind === "refuse") unlisten();
      else if (server === undefined) await listen(port);
    },
    setTarget(next) {
      current = { host: next.host ?? "127.0.0.1", port: next.port };
    },
    accepted: () => accepted,
    open: () => pairs.size,
    resetStats() {
      accepted = 0;
    },
    async close() {
      for (const pair of pairs) {
        pair.upstream?.destroy();
        pair.client.destroy();
      }
      unlisten();
    },
  };
}
