import type { DescMethod } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";

/** One transport that sends each call on the transport `route` picks for its method. */
export function routedTransport(route: (method: DescMethod) => Transport): Transport {
  return {
    unary: (method, signal, timeoutMs, header, input, contextValues) => route(method).unary(method, signal, timeoutMs, header, input, contextValues),
    stream: (method, signal, timeoutMs, header, input, contextValues) => route(method).stream(method, signal, timeoutMs, header, input, contextValues),
  };
}
