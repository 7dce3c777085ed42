import { toJson, type DescMethod, type JsonValue } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString, errorFromJsonBytes } from "@connectrpc/connect/protocol-connect";
import type { MiddlewareHandler } from "hono";
import { anonymousCaller } from "../auth/caller.ts";
import { importServiceTokenKey, signServiceToken } from "../auth/service-token.ts";
import type { AppEnv } from "../context/app-env.ts";
import { invalidInput, methodNotAllowed, unauthenticated } from "../errors/gateway-error.ts";
import { randomId } from "../tracing/random-id.ts";
import { formatTraceparent } from "../tracing/traceparent.ts";
import { createRouter } from "../transcoding/create-router.ts";
import type { HttpBinding } from "../transcoding/http-bindings.ts";
import { requestMessage } from "../transcoding/request-message.ts";
import { pathToJson, validateMessage } from "../validation/index.ts";
import { readStreamEnd } from "./stream-end.ts";
import { encodeEnvelope, endStreamFlag, envelopeReader, type Envelope } from "./connect-envelopes.ts";
import { eventStreamType, formatStreamError, formatStreamMessage, ndjsonType, streamFormatOf, streamPreamble } from "./event-stream-format.ts";
import type { StreamSlots } from "./stream-slots.ts";
import { clientWentAway, openStreamScope } from "./stream-scope.ts";

export interface ServerStreamOptions {
  /** Base URL of the service the routing table picks for a method. */
  baseUrlOf: (method: DescMethod) => string;
  serviceTokenSecret: string;
  /** Open streams per caller in one isolate; more: 429. */
  maxStreamsPerCaller: number;
}

export interface ServerStreamHandlerOptions extends Omit<ServerStreamOptions, "maxStreamsPerCaller"> {
  /** The server-streaming RPCs' REST bindings (httpBindings(services, "server_streaming")). */
  bindings: readonly HttpBinding[];
  /** The callers' open streams, shared with the RPC paths' streams (rpc-protocols/rpc-stream-handler.ts). */
  slots: StreamSlots;
}

export const defaultMaxStreamsPerCaller = 5;
// What a client is told when the service's stream breaks off (its process died, its
// connection was cut): not the clean end a service always announces with its end message.
export const brokenOffError = { code: codeToString(Code.Unavailable), message: "the stream broke off upstream; reconnect and resume from the last event id" };
// What a client is told when a message from the service is not JSON: the stream ends there.
export const unreadableError = { code: codeToString(Code.Internal), message: "the service sent an event that is not JSON; reconnect and resume from the last event id" };
// The request field a Last-Event-ID fills (WatchOrdersRequest.after_event_id).
const resumeField = "afterEventId";
const decoder = new TextDecoder();

/**
 * A server-streaming RPC's GET binding as Server-Sent Events (or NDJSON for
 * `Accept: application/x-ndjson`): the request built and validated as for REST, then the
 * stream called over Connect's server streaming on HTTP/1.1 (fetch with a streaming
 * body) without a deadline — a healthy stream is ended by the service's idle and lifetime
 * limits, not by UPSTREAM_TIMEOUT_MS. Every error until the first message is problem+json;
 * a client that goes away cancels the upstream call.
 */
export function serverStreamHandler({ bindings, baseUrlOf, serviceTokenSecret, slots }: ServerStreamHandlerOptions): MiddlewareHandler<AppEnv> {
  const router = createRouter(bindings);
  let key: Promise<CryptoKey> | undefined;
  return async (c, next) => {
    const route = router.route(c.req.method, c.req.path);
    if (route.kind === "not-found") return next();
    if (route.kind === "method-not-allowed") throw methodNotAllowed(c.req.method, route.allow);
    const { binding, vars } = route;
    const method = binding.method as DescMethod;
    const url = new URL(c.req.url);
    const input = requestMessage(binding, { vars, query: url.searchParams, body: undefined }) as Record<string, unknown> & Parameters<typeof validateMessage>[1];
    const lastEventId = c.req.header("last-event-id")?.trim();
    if (lastEventId !== undefined && lastEventId !== "" && method.input.fields.some((f) => f.localName === resumeField)) {
      if (!/^\d{1,18}$/.test(lastEventId)) throw invalidInput([{ field: "Last-Event-ID", message: "must be the id of an event (digits)" }]);
      input[resumeField] = BigInt(lastEventId);
    }
    const violations = validateMessage(method.input, input);
    if (violations.length > 0) throw invalidInput(violations.map((v) => ({ field: pathToJson(v.path), message: v.message })));

    const caller = c.get("caller") ?? anonymousCaller();
    const { upstream, finish } = openStreamScope(c, slots);
    try {
      key ??= importServiceTokenKey(serviceTokenSecret);
      const trace = c.get("trace");
      const spanId = randomId(8);
      const headers = new Headers({
        "content-type": "application/connect+json",
        "connect-protocol-version": "1",
        "accept-encoding": "identity",
        authorization: `Bearer ${await signServiceToken(await key, caller.sub === undefined ? { scope: caller.scope } : { sub: caller.sub, scope: caller.scope })}`,
        "x-request-id": c.get("requestId"),
        traceparent: formatTraceparent(trace.traceId, spanId, trace.sampled),
      });
      const body = encodeEnvelope(0, new TextEncoder().encode(JSON.stringify(toJson(method.input, input))));
      const target = `${baseUrlOf(method).replace(/\/?$/, "")}/${method.parent.typeName}/${method.name}`;
      const init: RequestInit = { method: "POST", headers, body, signal: upstream.signal, redirect: "manual" };
      const fetcher = c.env?.SERVICES;
      const startMs = Date.now();
      const record = (code: string) => c.set("upstream", { rpc: `${method.parent.typeName}/${method.name}`, route: binding.template.source, spanId, startMs, endMs: Date.now(), code });
      let res: Response;
      try {
        res = await (fetcher !== undefined ? fetcher.fetch(target, init) : fetch(target, init));
      } catch (cause) {
        record("unavailable");
        throw new ConnectError("upstream unreachable", Code.Unavailable, undefined, undefined, cause);
      }
      if (res.status !== 200 || res.body === null) {
        const fallback = new ConnectError(`HTTP ${res.status}`, Code.Unavailable);
        const err = res.headers.get("content-type")?.startsWith("application/json") ? errorFromJsonBytes(new Uint8Array(await res.arrayBuffer()), undefined, fallback) : fallback;
        throw refusal(err, caller.authenticated, record);
      }
      const reader = envelopeReader(res.body);
      // Nothing before the body broke off or ended: the service went away (a 503 to retry), not a 500.
      const first = await reader.next().catch((cause: unknown) => {
        record("unavailable");
        throw new ConnectError("the stream broke off upstream before its first message", Code.Unavailable, undefined, undefined, cause);
      });
      if (first === undefined) {
        record("unavailable");
        throw new ConnectError("the stream ended upstream before its first message", Code.Unavailable);
      }
      if (first.flags & endStreamFlag) {
        const err = endError(first);
        if (err !== undefined) throw refusal(err, caller.authenticated, record);
      }
      record("ok");
      // The access log waits for the stream's end, and records how it ended.
      let settle!: () => void;
      c.set("streamEnded", new Promise<void>((resolve) => (settle = resolve)));
      const done = (code: string) => {
        record(code);
        finish();
        settle();
      };
      const endCode = (envelope: Envelope) => {
        const err = endError(envelope);
        return err === undefined ? "ok" : codeToString(err.code);
      };

      // From here on the answer is 200: what goes wrong is written into the stream.
      const format = streamFormatOf(c.req.header("accept"));
      const encoder = new TextEncoder();
      const message = (envelope: Envelope): string | undefined => {
        if (envelope.flags & endStreamFlag) {
          const err = endError(envelope);
          return err === undefined ? undefined : formatStreamError(format, { code: codeToString(err.code), message: err.rawMessage });
        }
        let json: JsonValue & { id?: string; type?: string };
        try {
          json = JSON.parse(decoder.decode(envelope.data)) as typeof json;
        } catch {
          // Nothing more from this stream can be trusted: say so, and end it (see unreadable below).
          unreadable = true;
          return formatStreamError(format, unreadableError);
        }
        const name = typeof json.type === "string" ? json.type.replace(/^.*_TYPE_/, "").toLowerCase() : "message";
        const id = typeof json.id === "string" && json.id !== "0" ? json.id : undefined;
        return formatStreamMessage(format, json, name, id);
      };
      let ended = false;
      let unreadable = false;
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          const preamble = streamPreamble(format) + (message(first) ?? "");
          if (preamble !== "") controller.enqueue(encoder.encode(preamble));
          if (first.flags & endStreamFlag || unreadable) {
            ended = true;
            controller.close();
            if (unreadable) upstream.abort();
            done(unreadable ? unreadableError.code : endCode(first));
          }
        },
        async pull(controller) {
          if (ended) return;
          let envelope: Envelope | undefined;
          try {
            envelope = await reader.next();
          } catch {
            envelope = undefined;
          }
          // Without its end message (a read error, or a body that just stops) the stream broke off.
          const text = envelope === undefined ? formatStreamError(format, brokenOffError) : message(envelope);
          if (text !== undefined) controller.enqueue(encoder.encode(text));
          if (envelope === undefined || envelope.flags & endStreamFlag || unreadable) {
            ended = true;
            controller.close();
            if (unreadable) upstream.abort();
            done(envelope === undefined ? "unavailable" : unreadable ? unreadableError.code : endCode(envelope));
          }
        },
        async cancel() {
          // The client went away: cancel the upstream call (the service sees CANCELED).
          ended = true;
          upstream.abort(clientWentAway());
          await reader.cancel();
          done("canceled");
        },
      });
      return new Response(stream, {
        status: 200,
        headers: { "Content-Type": format === "sse" ? `${eventStreamType}; charset=utf-8` : ndjsonType, "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
      });
    } catch (err) {
      upstream.abort();
      finish();
      throw err;
    }
  };
}

/** The error an end-of-stream envelope carries, or undefined for a clean end. */
function endError(envelope: Envelope): ConnectError | undefined {
  const end = readStreamEnd("connect", envelope);
  return end === undefined || end.code === "ok" ? undefined : new ConnectError(end.message, end.code);
}

/** Forbidden to nobody in particular: signing in may help (REST's 401), as for unary calls. */
function refusal(err: ConnectError, authenticated: boolean, record: (code: string) => void): Error {
  record(codeToString(err.code));
  return err.code === Code.PermissionDenied && !authenticated ? unauthenticated("missing") : err;
}
