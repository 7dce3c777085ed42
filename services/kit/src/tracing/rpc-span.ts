import type { Code } from "@connectrpc/connect";
import { SpanStatusCode, type Attributes, type Span } from "@opentelemetry/api";
import { isServerFault, rpcCodeName } from "./rpc-code.ts";

type Call = { service: { typeName: string }; method: { name: string }; header: Headers };

/** Span name and attributes per OpenTelemetry's RPC conventions: "package.Service/Method". */
export function rpcSpanStart(call: Call, side: "server" | "client"): { name: string; attributes: Attributes } {
  const name = `${call.service.typeName}/${call.method.name}`;
  const attributes: Attributes = {
    // Service-to-service calls are native gRPC; a server tells by the request's content type.
    "rpc.system": side === "client" ? "grpc" : wireProtocol(call.header.get("content-type")),
    "rpc.service": call.service.typeName,
    "rpc.method": call.method.name,
  };
  return { name, attributes };
}

/** Records the outcome: the code as an attribute; ERROR status for server faults (server side) or any failure (client side). */
export function endRpcSpan(span: Span, code: Code | undefined, side: "server" | "client", message?: string): void {
  span.setAttributes({ "rpc.grpc.status_code": code ?? 0, "rpc.response.status_code": rpcCodeName(code) });
  if (code !== undefined && (side === "client" || isServerFault(code))) span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}

function wireProtocol(contentType: string | null): string {
  if (contentType?.startsWith("application/grpc-web")) return "grpc_web";
  if (contentType?.startsWith("application/grpc")) return "grpc";
  return "connect_rpc";
}
