import { Code, ConnectError, type Interceptor, type Transport } from "@connectrpc/connect";
import {
  universalClientResponseFromFetch,
  type UniversalClientFn,
} from "@connectrpc/connect/protocol";
import { createTransport } from "@connectrpc/connect/protocol-connect";

export interface FetchTransportOptions {
  /** Base URL of the Connect service, e.g. "http://127.0.0.1:50051". */
  baseUrl: string;
  /** Applied to calls that do not pass their own timeoutMs. */
  defaultTimeoutMs?: number;
  /** Run on every call, e.g. to add the service token. */
  interceptors?: Interceptor[];
  /** Defaults to the global fetch, looked up per call so tests can stub it. */
  fetch?: typeof fetch;
}

/**
 * A Connect transport (binary protobuf over HTTP/1.1) built on the Workers fetch().
 *
 * Not @connectrpc/connect-web: it hard-codes `redirect: "error"`, which workerd rejects.
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  return createTransport({
    baseUrl: options.baseUrl,
    httpClient: createFetchClient(options.fetch),
    useBinaryFormat: true,
    interceptors: options.interceptors ?? [],
    // fetch() decodes Content-Encoding itself, so connect must never decompress again.
    acceptCompression: [],
    sendCompression: null,
    compressMinBytes: 1024,
    readMaxBytes: 0xffffffff,
    writeMaxBytes: 0xffffffff,
    defaultTimeoutMs: options.defaultTimeoutMs,
  });
}

function createFetchClient(fetchFn: typeof fetch | undefined): UniversalClientFn {
  return async (req) => {
    // Unary bodies are one small message: send it with a Content-Length rather than
    // as a chunked stream.
    const body = req.body === undefined ? undefined : await concat(req.body);
    const headers = new Headers(req.header);
    // Without this, a platform that adds "Accept-Encoding: gzip" to subrequests gets
    // compressed answers from connect servers.
    headers.set("Accept-Encoding", "identity");
    let res: Response;
    try {
      res = await (fetchFn ?? globalThis.fetch)(req.url, {
        method: req.method,
        headers,
        body,
        signal: req.signal,
        redirect: "manual",
      });
    } catch (cause) {
      // On abort (deadline or caller gone) connect turns the signal's reason into
      // the right code; anything else means we never got an answer.
      if (req.signal?.aborted === true) throw cause;
      throw new ConnectError("upstream unreachable", Code.Unavailable, undefined, undefined, cause);
    }
    const uRes = universalClientResponseFromFetch(res);
    const encoding = res.headers.get("Content-Encoding")?.toLowerCase();
    if (encoding === "gzip" || encoding === "br") {
      // Already decoded by fetch(), header kept; left in place, connect rejects the reply.
      uRes.header = new Headers(res.headers);
      uRes.header.delete("Content-Encoding");
    }
    return uRes;
  };
}

async function concat(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.byteLength;
  }
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
