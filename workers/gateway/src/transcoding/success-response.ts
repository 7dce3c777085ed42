import { getOption, hasOption, type DescField, type DescMethod, type Message } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import { http_response } from "@grpc-edge/proto/grpc_edge/api/v1";
import { resolveFieldPath } from "./field-path.ts";

/** How a binding answers a successful call: its status and, for a 201, where the new resource is. */
export interface SuccessResponse {
  status: 200 | 201 | 204;
  /** The Location template ("/api/users/{id}") with the response fields its variables name. */
  location?: { source: string; parts: readonly (string | readonly DescField[])[] };
}

const allowedStatuses = new Set([200, 201, 204]);

/**
 * The method's (grpc_edge.api.v1.http_response) option, checked: a status other than
 * 200/201/204, a Location without 201, or a Location variable that is not a singular
 * scalar of the response message throws, so the gateway does not start with it.
 */
export function successResponse(method: DescMethod, where: string): SuccessResponse {
  if (!hasOption(method, http_response)) return { status: 200 };
  const option = getOption(method, http_response);
  const status = option.status === 0 ? 200 : option.status;
  if (!allowedStatuses.has(status)) throw new Error(`${where}: http_response status ${status} is not one of 200, 201, 204`);
  if (option.location === "") return { status: status as SuccessResponse["status"] };
  if (status !== 201) throw new Error(`${where}: http_response location needs status 201`);
  const parts: (string | DescField[])[] = [];
  for (const [index, piece] of option.location.split(/\{([^}]*)\}/).entries()) {
    // split with a capture group: odd pieces are the {variables}.
    if (index % 2 === 0) {
      if (piece.includes("{") || piece.includes("}")) throw new Error(`${where}: http_response location "${option.location}" has an unbalanced brace`);
      if (piece !== "") parts.push(piece);
      continue;
    }
    const fields = resolveFieldPath(method.output, piece.split("."));
    const leaf = fields?.at(-1);
    if (fields === undefined || leaf === undefined || (leaf.fieldKind !== "scalar" && leaf.fieldKind !== "enum")) {
      throw new Error(`${where}: http_response location names "${piece}", which is not a singular scalar of ${method.output.typeName}`);
    }
    parts.push(fields);
  }
  if (!option.location.startsWith("/")) throw new Error(`${where}: http_response location must be an absolute path`);
  return { status: 201, location: { source: option.location, parts } };
}

/** The Location of a created resource: the template with the response's values, each percent-encoded. */
export function locationOf(location: NonNullable<SuccessResponse["location"]>, response: Message, output: DescMethod["output"]): string {
  return location.parts
    .map((part) => {
      if (typeof part === "string") return part;
      let holder = reflect(output, response);
      for (const field of part.slice(0, -1)) holder = holder.get(field as never);
      return encodeURIComponent(String(holder.get(part.at(-1)! as never)));
    })
    .join("");
}
