import { createContextKey, type HandlerContext } from "@connectrpc/connect";

/**
 * The RPC's own response header and trailer objects. connect copies a response's
 * header/trailer over the call's (clearing what was there, e.g. grpc-status), so
 * an interceptor that answers without calling the handler must return these.
 * Interceptors cannot reach them; the request gate can and leaves them here.
 */
const responseMetadataKey = createContextKey<{ header: Headers; trailer: Headers } | undefined>(undefined, {
  description: "response header and trailer",
});

/** Request-gate step. */
export function captureResponseMetadata(ctx: HandlerContext): void {
  ctx.values.set(responseMetadataKey, { header: ctx.responseHeader, trailer: ctx.responseTrailer });
}

export function responseMetadataOf(values: { get: HandlerContext["values"]["get"] }): { header: Headers; trailer: Headers } {
  return values.get(responseMetadataKey) ?? { header: new Headers(), trailer: new Headers() };
}
