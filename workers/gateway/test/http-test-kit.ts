// A scripted HTTP/1.1 upstream on 127.0.0.1 for the transport's unit tests (Node only).
//
// The gateway's sources are type-checked for Workers, without Node's types (and a
// `/// <reference types="node" />` would hand Node's globals to all of them): node:http
// is loaded by a specifier TypeScript does not resolve, and typed by the little used here.

export interface SeenRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
}

export interface ScriptedResponse {
  writeHead(status: number, headers?: Record<string, string>): ScriptedResponse;
  write(chunk: Uint8Array | string): boolean;
  end(body?: Uint8Array | string): void;
}

export type Handler = (req: SeenRequest, res: ScriptedResponse) => void;

export interface TestServer {
  url: string;
  /** Every request received, in order. */
  seen: SeenRequest[];
  stop(): Promise<void>;
}

interface NodeRequest {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  on(event: "data", listener: (chunk: Uint8Array) => void): void;
  on(event: "end", listener: () => void): void;
}

interface NodeServer {
  listen(port: number, host: string, listening: () => void): void;
  address(): { port: number };
  close(closed: () => void): void;
  closeAllConnections(): void;
}

interface NodeHttp {
  createServer(listener?: (req: NodeRequest, res: ScriptedResponse) => void): NodeServer;
}

const nodeHttp = "node:http";
const loadHttp = async () => (await import(/* @vite-ignore */ nodeHttp)) as NodeHttp;

/** Starts a server answering each request with `handle` (which may also never answer). */
export async function startServer(handle: Handler): Promise<TestServer> {
  const seen: SeenRequest[] = [];
  const server = (await loadHttp()).createServer((req, res) => {
    const chunks: Uint8Array[] = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const request = { url: req.url ?? "", headers: req.headers, body: concat(chunks) };
      seen.push(request);
      handle(request, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(resolve));
    },
  };
}

/** A URL nothing listens on: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = await startServer(() => {});
  await server.stop();
  return server.url;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
