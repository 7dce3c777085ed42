import { toJson, type JsonValue, type JsonWriteOptions, type Message } from "@bufbuild/protobuf";
import type { HttpBinding } from "./http-bindings.ts";

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
