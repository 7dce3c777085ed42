import type { RpcProtocol } from "./rpc-protocol.ts";

// gRPC's Timeout header: up to 8 digits and a unit (hours … nanoseconds).
const grpcTimeout = /^(\d{1,8})([HMSmun])$/;
const unitMs: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 0.001, n: 0.000_001 };

/**
 * The deadline sent upstream: what the caller asked for (Connect-Timeout-Ms, or
 * gRPC-Web's Grpc-Timeout), never more than UPSTREAM_TIMEOUT_MS, at least 1 ms. An
 * unreadable value is ignored: the edge's own deadline applies.
 */
export function rpcDeadlineMs(headers: Headers, protocol: RpcProtocol, upstreamTimeoutMs: number): number {
  let askedMs: number | undefined;
  if (protocol.kind === "connect") {
    const value = headers.get("connect-timeout-ms");
    if (value !== null && /^\d{1,10}$/.test(value)) askedMs = Number(value);
  } else {
    const match = grpcTimeout.exec(headers.get("grpc-timeout") ?? "");
    if (match !== null) askedMs = Number(match[1]) * unitMs[match[2]!]!;
  }
  return Math.max(1, Math.ceil(Math.min(askedMs ?? upstreamTimeoutMs, upstreamTimeoutMs)));
}
