// Internal RPCs per REST request, counted from the services' own JSON logs: the
// kit's logging interceptor writes one line per RPC with the caller's x-request-id,
// which the gateway sets and the user service forwards to the order service.
import { readFileSync } from "node:fs";

export interface RpcLine {
  service: string;
  rpc: string;
}

/** The RPC log lines (msg "rpc" or "rpc failed") carrying `requestId`, from JSON-lines text. */
export function rpcLinesFor(text: string, requestId: string): RpcLine[] {
  const out: RpcLine[] = [];
  for (const line of text.split("\n")) {
    if (!line.includes(requestId)) continue;
    let entry: { msg?: unknown; requestId?: unknown; rpc?: unknown; service?: unknown };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if (entry.requestId === requestId && (entry.msg === "rpc" || entry.msg === "rpc failed")) {
      out.push({ service: String(entry.service ?? "?"), rpc: String(entry.rpc ?? "?") });
    }
  }
  return out;
}

export function countRpcs(logFiles: readonly string[], requestId: string): RpcLine[] {
  return logFiles.flatMap((file) => rpcLinesFor(readFileSync(file, "utf8"), requestId));
}

/**
 * Sends one request with a fresh request id and returns the RPC lines it caused.
 * Waits until the count stops changing (logs are written after the reply).
 */
export async function internalRpcsOf(request: (requestId: string) => Promise<Response>, logFiles: readonly string[], requestId: string): Promise<{ status: number; rpcs: RpcLine[] }> {
  const res = await request(requestId);
  await res.arrayBuffer();
  let last = -1;
  let rpcs: RpcLine[] = [];
  for (let i = 0; i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    rpcs = countRpcs(logFiles, requestId);
    if (rpcs.length === last && rpcs.length > 0) break;
    last = rpcs.length;
  }
  return { status: res.status, rpcs };
}
