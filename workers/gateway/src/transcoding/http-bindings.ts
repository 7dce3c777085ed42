import { getOption, hasOption, ScalarType, type DescField, type DescMethodUnary, type DescService } from "@bufbuild/protobuf";
import { http } from "@grpc-edge/proto/google/api";
import type { HttpRule } from "@grpc-edge/proto/google/api/http";
import { findField, resolveFieldPath } from "./field-path.ts";
import { parsePathTemplate, type PathTemplate } from "./path-template.ts";
import { FIELDS_PARAM } from "./partial-response.ts";
import { successResponse, type SuccessResponse } from "./success-response.ts";
import { updateMaskField } from "./update-mask.ts";

/** Where the request body goes: nowhere, the whole request message, or one field of it. */
export type BodyBinding = { kind: "none" } | { kind: "all" } | { kind: "field"; field: DescField };

export interface PathField {
  /** The variable's field path as written in the template, e.g. "book.name". */
  name: string;
  fields: readonly DescField[];
  /** Bound to several segments (`{name=shelves/*}`): a string with slashes in it. */
  multiSegment: boolean;
}

/** One REST endpoint of an RPC: the rule itself or one of its additional_bindings. */
export interface HttpBinding {
  service: DescService;
  method: DescMethodUnary;
  /** Upper case: "GET", "POST", … or a custom rule's kind. */
  httpMethod: string;
  template: PathTemplate;
  pathFields: readonly PathField[];
  body: BodyBinding;
  /** The output field sent as the response body, instead of the whole message. */
  responseBody?: DescField;
  /** 0 for the rule itself, 1… for its additional_bindings. */
  index: number;
  /** The status (and Location) of a success: the method's (grpc_edge.api.v1.http_response) option. */
  success: SuccessResponse;
  /** The request's FieldMask update_mask, which the edge fills from the body's keys (update-mask.ts). */
  updateMask?: DescField;
}

/**
 * Every REST endpoint the services' google.api.http annotations declare. RPCs without
 * one are internal and never routed. A rule that names a missing field, or binds a
 * path variable to something not addressable as a path segment, throws: the gateway
 * must not start with a half-understood contract.
 */
export function httpBindings(services: readonly DescService[], kind: "unary" | "server_streaming" = "unary"): HttpBinding[] {
  const bindings: HttpBinding[] = [];
  for (const service of services) {
    for (const method of service.methods) {
      if (!hasOption(method, http)) continue;
      const where = `${service.typeName}.${method.name}`;
      if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") throw new Error(`${where}: only unary and server-streaming RPCs can have a google.api.http rule`);
      // Server streams are served as Server-Sent Events (streaming/), asked for with kind "server_streaming".
      if (method.methodKind !== kind) continue;
      const rule = getOption(method, http);
      const rules = [rule, ...rule.additionalBindings];
      rules.forEach((r, index) => {
        if (index > 0 && r.additionalBindings.length > 0) throw new Error(`${where}: additional_bindings cannot nest`);
        bindings.push(bindingOf(service, method as DescMethodUnary, r, index, where));
      });
    }
  }
  const seen = new Set<string>();
  for (const b of bindings) {
    const key = `${b.httpMethod} ${b.template.source}`;
    if (seen.has(key)) throw new Error(`${key} is bound twice`);
    seen.add(key);
  }
  return bindings;
}

function bindingOf(service: DescService, method: DescMethodUnary, rule: HttpRule, index: number, where: string): HttpBinding {
  const { pattern } = rule;
  if (pattern.case === undefined) throw new Error(`${where}: the http rule has no pattern`);
  const [httpMethod, path] =
    pattern.case === "custom" ? [pattern.value.kind.toUpperCase(), pattern.value.path] : [pattern.case.toUpperCase(), pattern.value];
  if (!/^[A-Z]+$/.test(httpMethod)) throw new Error(`${where}: "${httpMethod}" is not an HTTP method`);
  const template = parsePathTemplate(path);

  const pathFields = template.variables.map((variable): PathField => {
    const name = variable.fieldPath.join(".");
    const fields = resolveFieldPath(method.input, variable.fieldPath);
    const leaf = fields?.at(-1);
    if (fields === undefined || leaf === undefined) throw new Error(`${where}: ${path} binds unknown field "${name}"`);
    if (leaf.fieldKind !== "scalar" && leaf.fieldKind !== "enum") {
      throw new Error(`${where}: ${path} binds "${name}", which is not a singular scalar or enum`);
    }
    const multiSegment =
      variable.end - variable.start !== 1 || template.segments[variable.start]?.kind === "deep-wildcard";
    if (multiSegment && !(leaf.fieldKind === "scalar" && leaf.scalar === ScalarType.STRING)) {
      throw new Error(`${where}: ${path} binds several segments to "${name}", which is not a string`);
    }
    return { name, fields, multiSegment };
  });

  let body: BodyBinding = { kind: "none" };
  if (rule.body === "*") body = { kind: "all" };
  else if (rule.body !== "") {
    const field = findField(method.input, rule.body);
    if (field === undefined) throw new Error(`${where}: body "${rule.body}" is not a field of ${method.input.typeName}`);
    body = { kind: "field", field };
  }
  let responseBody: DescField | undefined;
  if (rule.responseBody !== "") {
    responseBody = findField(method.output, rule.responseBody);
    if (responseBody === undefined) {
      throw new Error(`${where}: response_body "${rule.responseBody}" is not a field of ${method.output.typeName}`);
    }
  }
  // ?fields= is the edge's own on every GET (partial-response.ts): no request field may claim it.
  if (httpMethod === "GET" && findField(method.input, FIELDS_PARAM) !== undefined) {
    throw new Error(`${where}: a GET request may not have a field "${FIELDS_PARAM}" (the edge's partial-response parameter)`);
  }
  const updateMask = updateMaskField(method.input, body);
  return {
    service,
    method,
    httpMethod,
    template,
    pathFields,
    body,
    ...(responseBody ? { responseBody } : {}),
    index,
    success: successResponse(method, where),
    ...(updateMask ? { updateMask } : {}),
  };
}
