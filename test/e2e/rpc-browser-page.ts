// The script of the page rpc-protocols.browser.test.ts opens in Chromium (bundled by esbuild):
// a browser app calling the edge with @connectrpc/connect-web, over gRPC-Web or Connect.
import { ConnectError, createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-web";
import { OrderService } from "@grpc-edge/proto/orders/v1";

export type TransportKind = "grpc-web" | "connect";

/** A WatchOrders event as the page saw it (event ids as strings: they are int64). */
export interface PageEvent {
  type: number;
  id: string;
  orderId?: number;
  orderStatus?: number;
}

/** A stream the page opened: its events so far, and its error code once it failed. */
export interface PageStream {
  events: PageEvent[];
  errorCode?: number;
}

export interface RpcPage {
  /** GetItem's name, or "error <code>". */
  getItemName(kind: TransportKind, id: number, token: string | undefined): Promise<string>;
  /** CancelOrder's new status, or "error <code>". */
  cancelOrder(kind: TransportKind, id: number, token: string | undefined): Promise<string>;
  /** Opens WatchOrders; read it with streams[name]. */
  watch(name: string, kind: TransportKind, userId: number, token: string | undefined): void;
  streams: Record<string, PageStream>;
  /** Closes every stream the page opened. */
  closeAll(): void;
}

const gatewayUrl = document.querySelector<HTMLMetaElement>('meta[name="gateway"]')!.content;
const transportOf = (kind: TransportKind): Transport => (kind === "grpc-web" ? createGrpcWebTransport({ baseUrl: gatewayUrl }) : createConnectTransport({ baseUrl: gatewayUrl }));
const withToken = (token: string | undefined) => (token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
const aborts: AbortController[] = [];

const page: RpcPage = {
  async getItemName(kind, id, token) {
    try {
      return (await createClient(OrderService, transportOf(kind)).getItem({ id }, withToken(token))).name;
    } catch (err) {
      return `error ${ConnectError.from(err).code}`;
    }
  },
  async cancelOrder(kind, id, token) {
    try {
      return String((await createClient(OrderService, transportOf(kind)).cancelOrder({ id }, withToken(token))).status);
    } catch (err) {
      return `error ${ConnectError.from(err).code}`;
    }
  },
  watch(name, kind, userId, token) {
    const stream: PageStream = { events: [] };
    page.streams[name] = stream;
    const abort = new AbortController();
    aborts.push(abort);
    const read = async () => {
      for await (const event of createClient(OrderService, transportOf(kind)).watchOrders({ userId }, { ...withToken(token), signal: abort.signal })) {
        stream.events.push({ type: event.type, id: String(event.id), orderId: event.order?.id, orderStatus: event.order?.status });
      }
    };
    read().catch((err: unknown) => {
      stream.errorCode = ConnectError.from(err).code;
    });
  },
  streams: {},
  closeAll() {
    for (const abort of aborts.splice(0)) abort.abort();
  },
};
(window as unknown as { rpcPage: RpcPage }).rpcPage = page;
