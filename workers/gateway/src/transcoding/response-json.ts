import { toJson, type JsonValue, type JsonWriteOptions, type Message } from "@bufbuild/protobuf";
import type { UnaryResponse } from "@connectrpc/connect";
import { upstreamJsonOf } from "../transport/upstream-json.ts";
import type { HttpBinding } from "./http-bindings.ts";
import { selectFields, type FieldSelection } from "./partial-response.ts";

// Every field is always present (`"orders": []`, not a missing key) so REST clients
// get one stable shape; otherwise this is plain proto3 canonical JSON.
const jsonOptions: Partial<JsonWriteOptions> = { alwaysEmitImplicit: true };

/** The response body: the RPC response as proto3 JSON, or just its `response_body` field. */
export function responseJson(binding: HttpBinding, response: Message): JsonValue {
  const json = toJson(binding.method.output, response, jsonOptions);
  if (binding.responseBody === undefined) return json;
  // An unset message field has no JSON key even with alwaysEmitImplicit: null then.
  return (json as Record<string, JsonValue>)[binding.responseBody.jsonName] ?? null;
}

/**
 * The response body's text: a whole answer (no `response_body`, no ?fields=) is the text
 * the transport wrote from the upstream's bytes (transport/upstream-json.ts: the same
 * text); anything else, or an answer without one, through responseJson.
 */
export function responseJsonText(binding: HttpBinding, response: UnaryResponse, selection: FieldSelection | undefined): string {
  const text = selection === undefined && binding.responseBody === undefined ? upstreamJsonOf(response) : undefined;
  if (text !== undefined) return text;
  const json = responseJson(binding, response.message);
  return JSON.stringify(selection === undefined ? json : selectFields(json, selection));
}
