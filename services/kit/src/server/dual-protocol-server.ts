import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import { sniffProtocol } from "./sniff-protocol.ts";

export type NodeHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export interface DualProtocolServer {
  readonly port: number;
  /** Requests that have started and not yet finished, over both protocols. */
  inFlight(): number;
  /**
   * Stops accepting connections, lets in-flight requests finish for up to
   * `graceMs`, then closes whatever is left. Resolves when every socket is gone.
   */
  close(graceMs: number, onGraceExpired?: () => void): Promise<{ drained: boolean }>;
}

const PREFACE_TIMEOUT_MS = 10_000;
/** After a drain, how long HTTP/2 sessions may take to close by themselves. */
const GOAWAY_FLUSH_MS = 250;

/**
 * One TCP port for both kinds of client: native gRPC over cleartext HTTP/2
 * (h2c, prior knowledge) and Connect / gRPC-Web over HTTP/1.1, which Node's
 * h2c server cannot answer itself (`allowHTTP1` needs TLS).
 */
export async function listenDualProtocol(options: { host: string; port: number; handler: NodeHandler }): Promise<DualProtocolServer> {
  let active = 0;
  let draining = false;
  let onIdle: (() => void) | undefined;
  const sockets = new Set<net.Socket>();
  const busySockets = new Map<net.Socket, number>();
  const http1Responses = new Set<http.ServerResponse>();
  const sessions = new Set<http2.Http2Session>();
  const http2Sockets = new WeakSet<net.Socket>();

  const track: NodeHandler = (req, res) => {
    active++;
    const socket = "stream" in req ? undefined : req.socket;
    if (socket) busySockets.set(socket, (busySockets.get(socket) ?? 0) + 1);
    if (socket) {
      http1Responses.add(res as http.ServerResponse);
      if (draining) closeAfterResponse(res as http.ServerResponse);
    }
    res.once("close", () => {
      active--;
      http1Responses.delete(res as http.ServerResponse);
      if (socket) {
        const left = (busySockets.get(socket) ?? 1) - 1;
        if (left === 0) busySockets.delete(socket);
        else busySockets.set(socket, left);
        if (draining && left === 0) socket.end();
      }
      if (active === 0) onIdle?.();
    });
    options.handler(req, res);
  };

  const h1 = http.createServer({ keepAliveTimeout: 65_000, headersTimeout: 15_000, requestTimeout: 0 }, track);
  const h2 = http2.createServer({}, track);
  h2.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    sniffProtocol(socket, PREFACE_TIMEOUT_MS).then((sniffed) => {
      if (!sniffed) return socket.destroy();
      // The two servers take over a socket differently: Node's HTTP/2 session
      // reads bytes put back into the stream buffer, while the HTTP/1.1 parser
      // reads the handle directly and must be handed the bytes as an event.
      if (sniffed.protocol === "h2c") {
        http2Sockets.add(socket);
        socket.pause();
        socket.unshift(sniffed.head);
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.emit("data", sniffed.head);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once("error", reject);
    tcp.listen(options.port, options.host, () => resolve());
  });
  const address = tcp.address() as net.AddressInfo;

  return {
    port: address.port,
    inFlight: () => active,
    async close(graceMs, onGraceExpired) {
      draining = true;
      const closed = new Promise<void>((resolve) => tcp.close(() => resolve()));
      // HTTP/2 clients get GOAWAY: no new streams, the open ones finish.
      for (const session of sessions) session.close();
      for (const res of http1Responses) closeAfterResponse(res);
      for (const socket of sockets) if (!busySockets.has(socket) && !http2Sockets.has(socket)) socket.end();
      const drained = await new Promise<boolean>((resolve) => {
        if (active === 0) return resolve(true);
        const timer = setTimeout(() => resolve(false), graceMs);
        onIdle = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      // Give aborted handlers a moment to answer (e.g. CANCELED) before the sockets go.
      if (!drained && onGraceExpired) {
        onGraceExpired();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Drained: each HTTP/2 session closes itself once its GOAWAY is written. Destroying
      // it first can drop that frame, and a stream the client opened meanwhile would then
      // look lost (maybe processed) instead of refused (certainly not, safe to send again).
      if (drained) await sessionsClosed(sessions, GOAWAY_FLUSH_MS);
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
      return { drained };
    },
  };
}

/** Resolves when every session has closed, or after `timeoutMs`. */
function sessionsClosed(sessions: Set<http2.Http2Session>, timeoutMs: number): Promise<void> {
  if (sessions.size === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    let open = sessions.size;
    for (const session of sessions) {
      session.once("close", () => {
        if (--open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/** Keep-alive connections end with their current response while draining. */
function closeAfterResponse(res: http.ServerResponse): void {
  if (!res.headersSent) res.setHeader("connection", "close");
}
