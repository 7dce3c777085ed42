import { afterAll, beforeAll } from "vitest";
import { startPair, type PairDatabases } from "./service-pair.ts";
import { grpcJsClients } from "./grpc-js-clients.ts";

/**
 * Call inside a describe: the two services on the engine's databases for its tests
 * (started beforeAll, stopped afterAll), and plain @grpc/grpc-js clients on the user
 * service's address and on the order service's (the gateway calls each for the RPCs it
 * routes there: workers/gateway/src/routing/upstream-routes.ts).
 */
export function startUserAndOrder(databases: () => Promise<PairDatabases>) {
  let pair: Awaited<ReturnType<typeof startPair>> | undefined;
  let clients: ReturnType<typeof grpcJsClients> | undefined;
  let orderClients: ReturnType<typeof grpcJsClients> | undefined;
  beforeAll(async () => {
    pair = await startPair(await databases());
    clients = grpcJsClients(pair.user.url);
    orderClients = grpcJsClients(pair.order.url);
  });
  afterAll(async () => {
    clients?.close();
    orderClients?.close();
    await pair?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the services start in beforeAll: use them inside a test");
    return value;
  };
  return {
    get pair() {
      return started(pair);
    },
    get clients() {
      return started(clients);
    },
    /** Clients on the order service's own address. */
    get orderClients() {
      return started(orderClients);
    },
  };
}
