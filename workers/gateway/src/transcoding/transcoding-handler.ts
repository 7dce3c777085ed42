import { reflect } from "@bufbuild/protobuf/reflect";
import { Code, ConnectError, createContextValues, type Transport } from "@connectrpc/connect";
import { IDEMPOTENT_REPLAYED_HEADER } from "@grpc-edge/proto/shared-names";
import { anonymousCaller, callerKey } from "../auth/caller.ts";
import type { Handler } from "hono";
import { GatewayError, invalidInput, methodNotAllowed, unauthenticated } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import { withRestViolations } from "../errors/upstream-violations.ts";
import type { AppEnv } from "../context/app-env.ts";
import { forwardedHeaders } from "../transport/forwarded-headers.ts";
import { callUpstream } from "../transport/call-upstream.ts";
import { upstreamFetcherKey } from "../transport/upstream-fetcher.ts";
import { pathToJson, validateMessage } from "../validation/index.ts";
import { createRouter } from "./create-router.ts";
import type { HttpBinding } from "./http-bindings.ts";
import { readJsonBody } from "./read-json-body.ts";
import { requestMessage } from "./request-message.ts";
import { requestUrlParts } from "./request-url.ts";
import { FIELDS_PARAM, parseFields, resourceShape, setReadMask, type FieldSelection } from "./partial-response.ts";
import { responseJsonText } from "./response-json.ts";
import { locationOf } from "./success-response.ts";
import { strongEtag } from "../cache/strong-etag.ts";
import { carriesEtag } from "../middleware/entity-tags.ts";

const utf8 = new TextEncoder();

export interface TranscodingOptions {
  bindings: readonly HttpBinding[];
  /** Every RPC goes through it (routed to the service that serves it); its default deadline applies. */
  transport: Transport;
  maxBodyBytes?: number;
}

/**
 * REST → RPC for every binding: route, build the request message, validate it (no
 * upstream call for a request the contract rejects anyway), call, answer with proto3
 * JSON. Every failure is thrown, for the app's one problem+json error path.
 */
export function transcodingHandler({ bindings, transport, maxBodyBytes }: TranscodingOptions): Handler<AppEnv> {
  const router = createRouter(bindings);
  return async (c) => {
    const { pathname, search } = requestUrlParts(c.req.url);
    const route = router.route(c.req.method, pathname);
    if (route.kind === "not-found") throw new GatewayError(problemTypes.notFound, `no route for ${c.req.method} ${c.req.path}`);
    if (route.kind === "method-not-allowed") throw methodNotAllowed(c.req.method, route.allow);
    const { binding, vars } = route;

    const body = binding.body.kind === "none" ? undefined : await readJsonBody(c.req.raw, maxBodyBytes);
    // ?fields= (partial response, AIP-157) is the edge's own on every GET, not a request field.
    const query = new URLSearchParams(search);
    let selection: FieldSelection | undefined;
    const shape = binding.httpMethod === "GET" ? resourceShape(binding) : undefined;
    if (shape !== undefined && query.has(FIELDS_PARAM)) {
      const values = query.getAll(FIELDS_PARAM);
      query.delete(FIELDS_PARAM);
      if (values.length !== 1) throw invalidInput([{ field: FIELDS_PARAM, message: "must be given once (paths separated by commas)" }]);
      selection = parseFields(values[0]!, shape);
    }
    const input = requestMessage(binding, { vars, query, body });
    if (selection !== undefined) setReadMask(reflect(binding.method.input, input), selection);
    const violations = validateMessage(binding.method.input, input);
    if (violations.length > 0) {
      throw invalidInput(violations.map((v) => ({ field: pathToJson(v.path), message: v.message })));
    }

    // The caller the edge authenticated signs the service token (auth/service-token-interceptor.ts).
    const authenticated = c.get("caller");
    const caller = authenticated ?? anonymousCaller();
    let response;
    try {
      response = await callUpstream(c, {
        transport,
        method: binding.method,
        input,
        route: binding.template.source,
        headers: forwardedHeaders(c.req.raw),
        // With the SERVICES binding (the private origin), calls go through it instead of fetch().
        contextValues: createContextValues().set(callerKey, caller).set(upstreamFetcherKey, c.env?.SERVICES),
      });
    } catch (err) {
      // Forbidden to nobody in particular: signing in may help, so 401 with a challenge (RFC 9110 §15.5.2).
      if (authenticated?.authenticated === false && err instanceof ConnectError && err.code === Code.PermissionDenied) {
        throw unauthenticated("missing");
      }
      throw withRestViolations(err, binding.method.input);
    }
    // A create answered from the services' idempotency store, not executed again.
    // A replay answers as the original did: the status and Location come from the same message.
    if (response.header.get(IDEMPOTENT_REPLAYED_HEADER) === "true") c.header("Idempotent-Replayed", "true");
    const { status, location } = binding.success;
    if (status === 204) return c.body(null, 204);
    if (location !== undefined) c.header("Location", locationOf(location, response.message, binding.method.output));
    const answer = utf8.encode(responseJsonText(binding, response, selection));
    // Tagged from the bytes in hand: entity-tags.ts would have to copy the answer and read it back.
    const etag = carriesEtag(c.req.method, status) ? await strongEtag(answer) : undefined;
    return c.body(answer as Uint8Array<ArrayBuffer>, status, etag === undefined ? { "Content-Type": "application/json" } : { "Content-Type": "application/json", ETag: etag });
  };
}
