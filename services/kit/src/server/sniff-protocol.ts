import type { Socket } from "node:net";

/** Every HTTP/2 connection opens with this preface; no HTTP/1.x method starts with "PRI ". */
const HTTP2_PREFACE_START = Buffer.from("PRI ");

export type WireProtocol = "h2c" | "http/1.1";

export interface Sniffed {
  protocol: WireProtocol;
  /** The bytes read to decide, which the chosen server must still see. */
  head: Buffer;
}

/**
 * Reads just enough of a new connection to tell HTTP/2 (prior knowledge, as
 * gRPC clients speak cleartext) from HTTP/1.1. Resolves undefined when the
 * client closes or stays silent past `timeoutMs`.
 */
export function sniffProtocol(socket: Socket, timeoutMs: number): Promise<Sniffed | undefined> {
  return new Promise((resolve) => {
    let head = Buffer.alloc(0);
    const finish = (protocol: WireProtocol | undefined) => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("close", onClose);
      resolve(protocol && { protocol, head });
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const start = head.subarray(0, HTTP2_PREFACE_START.length);
      if (!start.equals(HTTP2_PREFACE_START.subarray(0, start.length))) return finish("http/1.1");
      if (start.length === HTTP2_PREFACE_START.length) finish("h2c");
    };
    const onClose = () => finish(undefined);
    // A client that connects and says nothing must not hold a socket forever.
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    socket.on("data", onData);
    socket.once("close", onClose);
  });
}
