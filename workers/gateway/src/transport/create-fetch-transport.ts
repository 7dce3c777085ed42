import { create, fromBinary, isMessage, toBinary, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import {
  Code,
  ConnectError,
  createContextValues,
  type Interceptor,
  type Transport,
  type UnaryRequest,
  type UnaryResponse,
} from "@connectrpc/connect";
import { codeFromHttpStatus, errorFromJsonBytes, parseContentType } from "@connectrpc/connect/protocol-connect";
import type { UpstreamFetcher } from "../context/app-env.ts";
import { MAX_UPSTREAM_BODY_BYTES, readBoundedBody } from "./read-bounded-body.ts";
import { runUnary, type UnaryFn } from "./run-unary.ts";
import { rememberUpstreamJson } from "./upstream-json.ts";
import { binaryJsonWriter } from "./binary-json.ts";
import { upstreamFetcherKey } from "./upstream-fetcher.ts";

type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface FetchTransportOptions {
  /** Base URL of the Connect service, e.g. "http://127.0.0.1:50051". */
  baseUrl: string;
  /** Applied to calls that do not pass their own timeoutMs. */
  defaultTimeoutMs?: number;
  /** Run on every call, e.g. to add the service token. */
  interceptors?: Interceptor[];
  /** Defaults to the global fetch, looked up per call so tests can stub it. */
  fetch?: typeof fetch;
  /** The largest answer read, in bytes (default MAX_UPSTREAM_BODY_BYTES); over it, a 502 problem. */
  maxResponseBytes?: number;
}

/**
 * A unary-only Connect transport (binary protobuf over HTTP/1.1) built on the Workers
 * fetch(): encode → fetch → arrayBuffer → decode, without connect's generic stream
 * machinery (async iterables, envelopes, compression), which was a fifth of the
 * Worker's JS time.
 *
 * What stays connect's own: the interceptor chain and the Connect error JSON parser;
 * the deadline and caller-abort signal are run-unary.ts's.
 *
 * Not @connectrpc/connect-web: it hard-codes `redirect: "error"`, which workerd rejects.
 * The gateway calls no streaming RPC; `stream()` rejects with UNIMPLEMENTED.
 */
export function createFetchTransport(options: FetchTransportOptions): Transport {
  const { defaultTimeoutMs, interceptors = [] } = options;
  const baseUrl = options.baseUrl.replace(/\/?$/, "/");
  const maxResponseBytes = options.maxResponseBytes ?? MAX_UPSTREAM_BODY_BYTES;
  // The chain is the same for every call: built once, not per request.
  const sendOne: UnaryFn = (req) => send(req, fetchOf(req.contextValues.get(upstreamFetcherKey), options.fetch), maxResponseBytes);
  // The first interceptor is the outermost, as in connect's applyInterceptors.
  const next = interceptors.reduceRight<UnaryFn>((inner, interceptor) => interceptor(inner as never) as never, sendOne);
  return {
    unary(method, signal, timeoutMs, header, input, contextValues) {
      // connect's rule: undefined takes the default, zero or less means no deadline.
      const deadlineMs = timeoutMs === undefined ? defaultTimeoutMs : timeoutMs <= 0 ? undefined : timeoutMs;
      const reqHeader = new Headers(header);
      if (deadlineMs !== undefined) reqHeader.set("connect-timeout-ms", String(deadlineMs));
      reqHeader.set("content-type", "application/proto");
      reqHeader.set("connect-protocol-version", "1");
      return runUnary(
        next,
        {
          stream: false,
          service: method.parent,
          method,
          requestMethod: "POST",
          url: `${baseUrl}${method.parent.typeName}/${method.name}`,
          header: reqHeader,
          contextValues: contextValues ?? createContextValues(),
          // Callers may pass an init object (createClient does): a message, as runUnaryCall made it.
          message: isMessage(input, method.input) ? input : create(method.input, input),
        },
        signal,
        deadlineMs,
      );
    },
    stream() {
      return Promise.reject(new ConnectError("streaming RPCs are not supported by the gateway's transport", Code.Unimplemented));
    },
  };
}

function fetchOf(fetcher: UpstreamFetcher | undefined, fetchOption: typeof fetch | undefined): FetchFn {
  if (fetcher !== undefined) return (url, init) => fetcher.fetch(url, init);
  return fetchOption ?? globalThis.fetch;
}

/** One attempt: `req` is what the interceptors made of the call (and may be sent again by a retry). */
async function send<I extends DescMessage, O extends DescMessage>(
  req: UnaryRequest<I, O>,
  fetchFn: FetchFn,
  maxResponseBytes: number,
): Promise<UnaryResponse<I, O>> {
  const { method } = req;
  let body: Uint8Array;
  try {
    body = toBinary(method.input, req.message);
  } catch (cause) {
    throw new ConnectError(`serialize binary: ${cause instanceof Error ? cause.message : String(cause)}`, Code.Internal);
  }
  // Never compressed: the request is one small message (and sent with a Content-Length).
  req.header.delete("content-encoding");
  // Without this, a platform that adds "Accept-Encoding: gzip" to subrequests gets
  // compressed answers from connect servers.
  req.header.set("accept-encoding", "identity");
  let res: Response;
  try {
    res = await fetchFn(req.url, {
      method: req.requestMethod,
      headers: req.header,
      body,
      signal: req.signal,
      redirect: "manual",
    });
  } catch (cause) {
    // On abort (deadline or caller gone) runUnaryCall turns the signal's reason into
    // the right code; anything else means we never got an answer.
    if (req.signal.aborted) throw cause;
    throw new ConnectError("upstream unreachable", Code.Unavailable, undefined, undefined, cause);
  }

  const rawHeader = res.headers;
  const encoding = rawHeader.get("content-encoding")?.toLowerCase();
  // fetch() undoes gzip (and br) itself but keeps the header: the body is plain already.
  const decoded = encoding === "gzip" || encoding === "br";
  if (encoding !== undefined && encoding !== "identity" && !decoded) {
    discard(res);
    throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal, rawHeader);
  }
  const [header, trailer] = trailerDemux(rawHeader, decoded);
  const contentType = rawHeader.get("content-type");
  const parsedType = parseContentType(contentType);

  if (res.status !== 200) {
    const fromStatus = new ConnectError(`HTTP ${res.status}`, codeFromHttpStatus(res.status), rawHeader);
    // Only a JSON body can be a Connect error; anything else (a proxy's HTML 502, an
    // empty body) is told by its status alone.
    if (parsedType === undefined || parsedType.binary) {
      discard(res);
      throw fromStatus;
    }
    const metadata = new Headers(header);
    trailer.forEach((value, key) => metadata.append(key, value));
    // Throws `fromStatus` (with the metadata) when the body is not a Connect error.
    throw errorFromJsonBytes(await readBoundedBody(res, maxResponseBytes), metadata, fromStatus);
  }
  if (parsedType === undefined || !parsedType.binary || parsedType.stream) {
    discard(res);
    throw new ConnectError(`unsupported content type ${contentType}`, parsedType === undefined ? Code.Unknown : Code.Internal, rawHeader);
  }

  const bytes = await readBoundedBody(res, maxResponseBytes);
  // Most answers become REST JSON as they are: written from the bytes in one pass, which
  // also proves them well-formed; the message is decoded only if something reads it.
  const json = binaryJsonWriter(method.output)?.(bytes);
  if (json === undefined) return { stream: false, service: req.service, method, header, trailer, message: decodeAnswer(method.output, bytes) };
  let message: MessageShape<O> | undefined;
  const response: UnaryResponse<I, O> = {
    stream: false,
    service: req.service,
    method,
    header,
    trailer,
    get message() {
      return (message ??= decodeAnswer(method.output, bytes));
    },
  };
  rememberUpstreamJson(response, json);
  return response;
}

function decodeAnswer<O extends DescMessage>(output: O, bytes: Uint8Array): MessageShape<O> {
  try {
    return fromBinary(output, bytes);
  } catch (cause) {
    throw new ConnectError(`parse binary: ${cause instanceof Error ? cause.message : String(cause)}`, Code.Internal);
  }
}

/** Connect unary sends trailers as `trailer-`-prefixed headers. */
function trailerDemux(raw: Headers, dropContentEncoding: boolean): [Headers, Headers] {
  const header = new Headers();
  const trailer = new Headers();
  raw.forEach((value, key) => {
    if (key.startsWith("trailer-")) trailer.append(key.slice(8), value);
    else if (!(dropContentEncoding && key === "content-encoding")) header.append(key, value);
  });
  return [header, trailer];
}

/** Releases the connection of a reply whose body is not read. */
function discard(res: Response): void {
  res.body?.cancel().catch(() => {
    // Already gone: nothing to release.
  });
}
