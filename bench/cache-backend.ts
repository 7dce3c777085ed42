// The Cache API's backend for a plain workerd (its `cacheApiOutbound`), in this Node
// process: on Cloudflare the cache is the colo's, not the Worker's CPU, so the bench keeps
// it out of the workerd process it measures. workerd's side of the protocol: `match` is a
// GET of the key's URL and expects `Cf-Cache-Status: HIT` with the stored answer (anything
// else is a miss); `put` is a PUT whose body is the whole HTTP/1.1 response, serialized;
// `delete` is a PURGE (200 deleted, 404 not there). Entries live for their max-age.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface CacheBackend {
  /** host:port, for the config's external service. */
  address: string;
  /** Lookups answered from an entry, and lookups that found none. */
  stats(): { hits: number; misses: number; entries: number };
  stop(): Promise<void>;
}

interface StoredResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  expiresAt: number;
}

/** Far more than a bench run files (one entry per caller and resource), so nothing is evicted mid-run. */
const maxEntries = 100_000;

/** Splits a serialized HTTP/1.1 response: status line, headers, body (Content-Length or chunked). */
export function parseSerializedResponse(bytes: Buffer): Omit<StoredResponse, "expiresAt"> {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) throw new Error("no end of headers");
  const [statusLine = "", ...lines] = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not a status line: ${statusLine}`);
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  });
  const rest = bytes.subarray(headEnd + 4);
  const chunked = headers.some(([name, value]) => name === "transfer-encoding" && /chunked/i.test(value));
  const body = chunked ? dechunk(rest) : rest.subarray(0, Number(headers.find(([name]) => name === "content-length")?.[1] ?? rest.length));
  return { status, headers: headers.filter(([name]) => name !== "transfer-encoding" && name !== "content-length"), body };
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    if (lineEnd < 0) throw new Error("truncated chunk size");
    const size = Number.parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size)) throw new Error("bad chunk size");
    if (size === 0) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

function maxAgeSeconds(headers: readonly [string, string][]): number {
  const cacheControl = headers.find(([name]) => name === "cache-control")?.[1] ?? "";
  return Number(/(?:^|,)\s*(?:s-maxage|max-age)=(\d+)/.exec(cacheControl)?.[1] ?? 0);
}

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("error", reject);
  });

export async function startCacheBackend(): Promise<CacheBackend> {
  const entries = new Map<string, StoredResponse>();
  let hits = 0;
  let misses = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const key = `${req.headers.host ?? ""}${req.url ?? "/"}`;
    if (req.method === "GET") {
      const entry = entries.get(key);
      if (entry === undefined || entry.expiresAt <= Date.now()) {
        misses++;
        res.writeHead(504, { "cf-cache-status": "MISS" }).end();
        return;
      }
      hits++;
      res.writeHead(entry.status, [...entry.headers.flat(), "cf-cache-status", "HIT", "content-length", String(entry.body.length)]).end(entry.body);
      return;
    }
    if (req.method === "PUT") {
      const stored = parseSerializedResponse(await readBody(req));
      const maxAge = maxAgeSeconds(stored.headers);
      if (maxAge > 0 && (entries.size < maxEntries || entries.has(key))) entries.set(key, { ...stored, expiresAt: Date.now() + maxAge * 1000 });
      res.writeHead(204).end();
      return;
    }
    if (req.method === "PURGE") {
      res.writeHead(entries.delete(key) ? 200 : 404).end();
      return;
    }
    res.writeHead(405).end();
  }

  const server = createServer((req, res) => {
    // workerd reads 413 as "not stored"; an entry it cannot parse is just not kept.
    handle(req, res).catch(() => (res.headersSent ? res.destroy() : res.writeHead(413).end()));
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    stats: () => ({ hits, misses, entries: entries.size }),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
