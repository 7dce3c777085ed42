import { Code, ConnectError } from "@connectrpc/connect";
import { codeToString } from "@connectrpc/connect/protocol-connect";

/**
 * An RPC outcome as Connect's code string ("ok", "not_found", "deadline_exceeded"…):
 * the same words the gateway's problem JSON `code` uses, so logs, metrics, spans and
 * REST errors share one vocabulary.
 */
export function rpcCodeName(code: Code | undefined): string {
  return code === undefined ? "ok" : codeToString(code);
}

/** The code the caller gets for whatever a handler threw: connect answers INTERNAL for anything that is not a ConnectError. */
export function rpcCodeOf(error: unknown): Code {
  return ConnectError.from(error, Code.Internal).code;
}

// Codes that mean the server (or something behind it) failed, not the caller: what an
// error-rate alert and a server span's ERROR status are about (OpenTelemetry's RPC conventions).
const serverFaults = new Set([Code.Unknown, Code.DeadlineExceeded, Code.Unimplemented, Code.Internal, Code.Unavailable, Code.DataLoss]);

export function isServerFault(code: Code | undefined): boolean {
  return code !== undefined && serverFaults.has(code);
}
