import type { DescMethodUnary, DescMessage, MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type ContextValues, type Transport, type UnaryResponse } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";
import type { Context } from "hono";
import { randomId } from "../tracing/random-id.ts";
import { formatTraceparent } from "../tracing/traceparent.ts";
import type { AppEnv } from "../context/app-env.ts";
import { GatewayError } from "../errors/gateway-error.ts";

/**
 * The request's one upstream unary call: forwards the request id, sends `traceparent`
 * (and `tracestate`) with a fresh client span as the parent, and records the call as
 * c.var.upstream for the client span, Server-Timing and the access log.
 */
export async function callUpstream<I extends DescMessage, O extends DescMessage>(
  c: Context<AppEnv>,
  options: {
    transport: Transport;
    method: DescMethodUnary<I, O>;
    input: MessageShape<I>;
    route: string;
    /** Caller headers allowed upstream (e.g. idempotency-key). */
    headers?: Record<string, string>;
    /** For the transport's interceptors (the service token is signed from the caller in them). */
    contextValues?: ContextValues;
  },
): Promise<UnaryResponse<I, O>> {
  const { transport, method, input, route, contextValues } = options;
  const trace = c.get("trace");
  const spanId = randomId(8);
  const header: Record<string, string> = {
    ...options.headers,
    "x-request-id": c.get("requestId"),
    traceparent: formatTraceparent(trace.traceId, spanId, trace.sampled),
  };
  if (trace.tracestate !== undefined) header.tracestate = trace.tracestate;
  const rpc = `${method.parent.typeName}/${method.name}`;
  const startMs = Date.now();
  let code = "ok";
  try {
    // No caller signal: workerd notices a client that went away only when it writes the
    // answer (with or without enable_request_signal), so linking request.signal cancelled
    // nothing and cost ~10 µs per call (bench/chain-cost.ts). What bounds an abandoned call is
    // the transport's default deadline, UPSTREAM_TIMEOUT_MS (test/client-gone.workerd.test.ts).
    return await transport.unary(method, undefined, undefined, header, input, contextValues);
  } catch (err) {
    code = codeToString(err instanceof ConnectError ? err.code : Code.Unknown);
    // A problem the transport itself raised (read-bounded-body.ts) reaches the caller as itself.
    if (err instanceof ConnectError && err.cause instanceof GatewayError) throw err.cause;
    throw err;
  } finally {
    c.set("upstream", { rpc, route, spanId, startMs, endMs: Date.now(), code });
  }
}
