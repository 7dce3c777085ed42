import { toJson, type JsonValue, type JsonWriteOptions, type Message } from "@bufbuild/protobuf";
import { upstreamBytesOf } from "../transport/upstream-bytes.ts";
import { binaryJsonWriter, type BinaryJsonWriter } from "./binary-json.ts";
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

const writers = new WeakMap<HttpBinding, BinaryJsonWriter | null>();

/**
 * The response body's text. A whole answer (no `response_body`, no ?fields=) is written
 * from the upstream's bytes in one pass when its type allows (binary-json.ts: the same
 * text); anything else, and bytes it leaves alone, through responseJson.
 */
export function responseJsonText(binding: HttpBinding, response: Message, selection: FieldSelection | undefined): string {
  if (selection === undefined && binding.responseBody === undefined) {
    let writer = writers.get(binding);
    if (writer === undefined) writers.set(binding, (writer = binaryJsonWriter(binding.method.output) ?? null));
    const bytes = upstreamBytesOf(response);
    const text = writer === null || bytes === undefined ? undefined : writer(bytes);
    if (text !== undefined) return text;
  }
  const json = responseJson(binding, response);
  return JSON.stringify(selection === undefined ? json : selectFields(json, selection));
}
