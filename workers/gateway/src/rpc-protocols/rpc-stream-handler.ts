import type { DescMethod } from "@bufbuild/protobuf";
import { base64Encode } from "@bufbuild/protobuf/wire";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeFromHttpStatus, codeToString } from "@connectrpc/connect/protocol-connect";
import type { Context, MiddlewareHandler } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import { importServiceTokenKey } from "../auth/service-token.ts";
import type { AppEnv } from "../context/app-env.ts";
import { GatewayError, invalidInput, methodNotAllowed, unauthenticated } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import { encodeEnvelope, envelopeReader, type Envelope } from "../streaming/connect-envelopes.ts";
import type { StreamSlots } from "../streaming/stream-slots.ts";
import { clientWentAway, openStreamScope } from "../streaming/stream-scope.ts";
import { pathToJson, validateMessage } from "../validation/index.ts";
import { decodeRpcRequest } from "./decode-rpc-request.ts";
import { grpcWebType, isSupportedRequestType, rpcPathOf, rpcProtocolOf } from "./rpc-protocol.ts";
import { rpcDeadlineMs } from "./rpc-deadline.ts";
import type { PublicStreamRpc } from "./rpc-protocols-handler.ts";
import { encodeStreamEnd, readStreamEnd, trailerEnd, type FramedProtocol, type StreamEnd } from "../streaming/stream-end.ts";
import { answerHeaders, fetchUpstream, upstreamRpcRequest } from "./upstream-rpc-request.ts";

export interface RpcStreamOptions {
  /** The public server-streaming RPCs (publicStreamRpcs), by "package.Service/Method". */
  streams: ReadonlyMap<string, PublicStreamRpc>;
  /** Base URL of the service the routing table picks for a method. */
  baseUrlOf: (method: DescMethod) => string;
  serviceTokenSecret: string;
  /** The callers' open streams, shared with the REST streams (streaming/server-stream-handler.ts). */
  slots: StreamSlots;
  maxBodyBytes?: number;
}

/**
 * Server streaming at the RPC paths, for Connect streaming and gRPC-Web (binary and
 * text): decoded and validated as a unary call is (no upstream call for what the contract
 * rejects), one of the caller's stream slots taken, then the caller's bytes sent on in
 * the caller's protocol — the services answer Connect and gRPC-Web alike — without a
 * deadline unless the caller sets one. Until the service's first frame every error is
 * the protocol's own error answer (an anonymous caller's permission_denied:
 * unauthenticated); after it, each frame goes on as it arrives (heartbeats too, which
 * keep idle balancers from cutting the stream) and the service's end frame ends the
 * stream; a client that goes away cancels the upstream call.
 */
export function rpcStreamHandler({ streams, baseUrlOf, serviceTokenSecret, slots, maxBodyBytes }: RpcStreamOptions): MiddlewareHandler<AppEnv> {
  let key: Promise<CryptoKey> | undefined;
  return async (c, next) => {
    const path = rpcPathOf(c.req.path);
    const method = path === undefined ? undefined : streams.get(path)?.method;
    if (method === undefined) return next();
    if (c.req.method !== "POST") throw methodNotAllowed(c.req.method, ["POST"]);
    const protocol = rpcProtocolOf(c.req.raw);
    if (!isSupportedRequestType(c.req.raw, protocol, true)) {
      throw new GatewayError(problemTypes.unsupportedMediaType, "a streaming RPC takes application/connect+json or application/connect+proto (Connect), or application/grpc-web[-text][+proto]");
    }
    const { message, body } = await decodeRpcRequest(c.req.raw, method.input, protocol, maxBodyBytes);
    const violations = validateMessage(method.input, message);
    if (violations.length > 0) throw invalidInput(violations.map((v) => ({ field: pathToJson(v.path), message: v.message })));

    const { upstream, finish } = openStreamScope(c, slots);
    try {
      key ??= importServiceTokenKey(serviceTokenSecret);
      // A deadline only when the caller asks for one: UPSTREAM_TIMEOUT_MS would cut a healthy stream.
      const asked = rpcDeadlineMs(c.req.raw.headers, protocol, Number.POSITIVE_INFINITY);
      const deadlineMs = Number.isFinite(asked) ? asked : undefined;
      const request = await upstreamRpcRequest(c, { method, protocol, body, baseUrl: baseUrlOf(method), key: await key, deadlineMs, signal: upstream.signal });
      const startMs = Date.now();
      const record = (code: Code | "ok") =>
        c.set("upstream", { rpc: request.rpc, route: c.req.path, spanId: request.spanId, startMs, endMs: Date.now(), code: code === "ok" ? "ok" : codeToString(code) });
      let res: Response;
      try {
        res = await fetchUpstream(c, request);
      } catch (cause) {
        record(Code.Unavailable);
        throw new ConnectError("An upstream service is unavailable; retry shortly.", Code.Unavailable, undefined, undefined, cause);
      }
      const framing: FramedProtocol = protocol.kind === "grpc-web" ? "grpc-web" : "connect";
      // gRPC-Web "trailers-only" with status 0: a stream without messages, already complete.
      if (framing === "grpc-web" && res.status === 200 && res.headers.get("grpc-status") === "0") {
        record("ok");
        await res.body?.cancel().catch(() => {});
        finish();
        return new Response(null, { status: 200, headers: answerHeaders(res) });
      }
      const refused = refusalOf(res, framing);
      if (refused !== undefined || res.body === null) {
        await res.body?.cancel().catch(() => {});
        throw refusal(refused ?? { code: Code.Internal, message: "the stream has no body" }, c, record);
      }
      const reader = envelopeReader(res.body);
      const first = await reader.next().catch(() => undefined);
      const firstEnd = first === undefined ? { code: Code.Unavailable, message: "the stream broke off before its first message" } : readStreamEnd(framing, first);
      if (firstEnd !== undefined && firstEnd.code !== "ok") {
        await reader.cancel();
        throw refusal(firstEnd, c, record);
      }
      record("ok");

      // From here on the answer is 200 and what goes wrong is the stream's end frame.
      const frame = (bytes: Uint8Array) => (protocol.kind === "grpc-web" && protocol.text ? new TextEncoder().encode(base64Encode(bytes)) : bytes);
      let ended = false;
      let settle!: () => void;
      c.set("streamEnded", new Promise<void>((resolve) => (settle = resolve)));
      const end = (controller: ReadableStreamDefaultController<Uint8Array> | undefined, how: StreamEnd) => {
        ended = true;
        record(how.code);
        controller?.close();
        finish();
        settle();
      };
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(frame(reframe(first!)));
          if (firstEnd !== undefined) end(controller, firstEnd);
        },
        async pull(controller) {
          if (ended) return;
          const envelope = await reader.next().catch(() => undefined);
          // A service gone without its end frame: the edge writes one, so clients see why.
          const lost: StreamEnd = { code: Code.Unavailable, message: "the stream broke off; call again" };
          const status = envelope === undefined ? lost : readStreamEnd(framing, envelope);
          controller.enqueue(frame(envelope === undefined ? encodeStreamEnd(framing, lost) : reframe(envelope)));
          if (status !== undefined) end(controller, status);
        },
        async cancel() {
          // The client went away: cancel the upstream call (the service sees CANCELED).
          const gone = clientWentAway();
          upstream.abort(gone);
          await reader.cancel();
          end(undefined, { code: gone.code, message: gone.rawMessage });
        },
      });
      const headers = answerHeaders(res);
      if (protocol.kind === "grpc-web" && protocol.text) headers.set("content-type", grpcWebType(true));
      headers.set("cache-control", "no-store");
      return new Response(stream, { status: 200, headers });
    } catch (err) {
      upstream.abort();
      finish();
      throw err;
    }
  };
}

/** A frame as the service sent it (same flags, length and bytes). */
const reframe = (envelope: Envelope) => encodeEnvelope(envelope.flags, envelope.data);

/** The error an answer's head already says (a non-200 status, or gRPC-Web "trailers-only"), if any. */
function refusalOf(res: Response, framing: FramedProtocol): StreamEnd | undefined {
  const status = res.headers.get("grpc-status");
  if (framing === "grpc-web" && status !== null && res.status === 200) {
    return trailerEnd(`grpc-status: ${status}\r\ngrpc-message: ${res.headers.get("grpc-message") ?? ""}\r\n`);
  }
  return res.status === 200 ? undefined : { code: codeFromHttpStatus(res.status), message: `HTTP ${res.status}` };
}

/** Forbidden to nobody in particular: signing in may help (REST's 401), as for unary calls. */
function refusal(end: StreamEnd, c: Context<AppEnv>, record: (code: Code) => void): Error {
  const code = end.code === "ok" ? Code.Unknown : end.code;
  record(code);
  if (code === Code.PermissionDenied && !(c.get("caller") ?? anonymousCaller()).authenticated) return unauthenticated("missing");
  return new ConnectError(end.message, code);
}
