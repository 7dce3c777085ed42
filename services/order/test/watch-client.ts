import { ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcTransport } from "@connectrpc/connect-node";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { OrderEventType, OrderService, type OrderEvent, type WatchOrdersRequestSchema } from "@grpc-edge/proto/orders/v1";
import { serviceTokenInterceptor, type MintOptions } from "@grpc-edge/service-kit/testing";

// Test kit: WatchOrders clients over both wire protocols, and a stream recorder.

export type OrderClient = Client<typeof OrderService>;

/** Native gRPC over HTTP/2 (connect-node) and Connect server streaming over HTTP/1.1 (what the Worker uses). */
export const protocols = [
  ["gRPC over HTTP/2", (baseUrl: string, identity: MintOptions) => createGrpcTransport({ baseUrl, interceptors: [serviceTokenInterceptor(identity)] })],
  ["Connect over HTTP/1.1", (baseUrl: string, identity: MintOptions) => createConnectTransport({ baseUrl, httpVersion: "1.1", interceptors: [serviceTokenInterceptor(identity)] })],
] as const satisfies ReadonlyArray<readonly [string, (baseUrl: string, identity: MintOptions) => Transport]>;

export function orderClient(transport: Transport): OrderClient {
  return createClient(OrderService, transport);
}

export interface RecordedStream {
  /** Every event received so far, heartbeats included. */
  readonly events: OrderEvent[];
  /** Placed and cancelled events only. */
  changes(): OrderEvent[];
  /** Settles when the stream ends: `error` undefined for a clean end. */
  readonly ended: Promise<{ error?: ConnectError }>;
  cancel(): void;
}

export function record(client: OrderClient, request: MessageInitShape<typeof WatchOrdersRequestSchema>): RecordedStream {
  const abort = new AbortController();
  const events: OrderEvent[] = [];
  const ended = (async () => {
    for await (const event of client.watchOrders(request, { signal: abort.signal })) events.push(event);
  })().then(
    () => ({}),
    (error: unknown) => ({ error: ConnectError.from(error) }),
  );
  return {
    events,
    changes: () => events.filter((e) => e.type === OrderEventType.PLACED || e.type === OrderEventType.CANCELLED),
    ended,
    cancel: () => abort.abort(),
  };
}

/** The stream has read its starting point once a first HEARTBEAT (or any event) arrived. */
/** Whether the stream has said it is live (its first message is a heartbeat sent once it has read where "now" is). */
export function isLive(stream: RecordedStream): boolean {
  return stream.events.length > 0;
}

/** [type name, order id, order status] per change event, for readable comparisons. */
export function describeChanges(events: readonly OrderEvent[]): Array<[string, number, number]> {
  return events.map((e) => [OrderEventType[e.type], e.order?.id ?? 0, e.order?.status ?? 0]);
}
