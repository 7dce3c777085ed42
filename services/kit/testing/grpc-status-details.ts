import { fromBinary } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { ViolationsSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import type * as grpc from "@grpc/grpc-js";
import { ErrorInfoSchema, type ErrorInfo } from "@grpc-edge/proto/google/rpc/error_details";

const VIOLATIONS_TYPE_URL = "type.googleapis.com/buf.validate.Violations";
const ERROR_INFO_TYPE_URL = "type.googleapis.com/google.rpc.ErrorInfo";

/** The google.rpc.ErrorInfo details of a grpc-js error (reason, domain, metadata). */
export function errorInfoOf(error: grpc.ServiceError): ErrorInfo[] {
  return detailsOf(error, ERROR_INFO_TYPE_URL).map((bytes) => fromBinary(ErrorInfoSchema, bytes));
}

/** The Any.value bytes of every detail of `typeUrl` in the `grpc-status-details-bin` trailer. */
function detailsOf(error: grpc.ServiceError, typeUrl: string): Uint8Array[] {
  const [status] = error.metadata?.get("grpc-status-details-bin") ?? [];
  if (!(status instanceof Uint8Array)) return [];
  // Status.details = 3 (repeated Any); Any.type_url = 1, Any.value = 2.
  return lengthDelimited(status)
    .filter(([no]) => no === 3)
    .map(([, any]) => new Map(lengthDelimited(any)))
    .filter((fields) => new TextDecoder().decode(fields.get(1)) === typeUrl)
    .map((fields) => fields.get(2) ?? new Uint8Array());
}

/**
 * The buf.validate.Violations detail of a grpc-js error as "field: message"
 * strings, read from the `grpc-status-details-bin` trailer (a google.rpc.Status)
 * the way any gRPC client reads rich error details.
 */
export function violationsOf(error: grpc.ServiceError): string[] {
  return detailsOf(error, VIOLATIONS_TYPE_URL).flatMap((bytes) => {
    return fromBinary(ViolationsSchema, bytes).violations.map((v) => {
      const path = (v.field?.elements ?? []).map((e) => (e.subscript.case === "index" ? `${e.fieldName}[${e.subscript.value}]` : e.fieldName));
      return `${path.join(".")}: ${v.message}`;
    });
  });
}

/**
 * The status message of a grpc-js error. Connect percent-encodes grpc-message
 * with encodeURIComponent (as the gRPC spec allows) while grpc-js decodes it with
 * decodeURI, which leaves ":", ";", ",", "@"… escaped; other clients decode fully.
 */
export function messageOf(error: grpc.ServiceError): string {
  return decodeURIComponent(error.details);
}

/** The length-delimited fields of a message, as [field number, bytes]; others skipped. */
function lengthDelimited(bytes: Uint8Array): [number, Uint8Array][] {
  const fields: [number, Uint8Array][] = [];
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [no, wireType] = reader.tag();
    if (wireType === WireType.LengthDelimited) fields.push([no, reader.bytes()]);
    else reader.skip(wireType, no);
  }
  return fields;
}
