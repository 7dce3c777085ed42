import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoRoot } from "@grpc-edge/proto/proto-root";
import { mintServiceToken, type MintOptions } from "@grpc-edge/service-kit/testing";

export interface CallExtras {
  /** Extra request metadata, e.g. { "idempotency-key": "k1" }. */
  metadata?: Record<string, string>;
}

/**
 * Plain @grpc/grpc-js clients built from the .proto files at run time, the way
 * a client in another language would call the services: native gRPC over
 * HTTP/2, snake_case field names, nothing from connect involved. Every call
 * carries a fresh service token for `identity` (default: admin), as the gateway
 * would send; `null` sends none.
 */
export function grpcJsClients(address: string, identity: MintOptions | null = { scope: "admin" }) {
  const definition = protoLoader.loadSync(["user/v1/user.proto", "orders/v1/order.proto", "grpc/health/v1/health.proto"], {
    // google/api and buf/validate, imported by our protos, are vendored; protobufjs
    // brings google/protobuf (empty, timestamp, descriptor) itself.
    includeDirs: [protoRoot, `${protoRoot}vendor`],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
  });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as Record<string, any>;
  const credentials = grpc.credentials.createInsecure();
  const target = address.replace(/^http:\/\//, "");
  const clients = {
    user: new loaded.user.v1.UserService(target, credentials) as grpc.Client,
    order: new loaded.orders.v1.OrderService(target, credentials) as grpc.Client,
    health: new loaded.grpc.health.v1.Health(target, credentials) as grpc.Client,
  };
  /** Unary call as a promise; rejects with the grpc-js ServiceError (which carries `code`). */
  async function call<Res = any>(client: grpc.Client, method: string, request: object, deadlineMs = 5_000, extras: CallExtras = {}): Promise<Res> {
    const metadata = new grpc.Metadata();
    if (identity) metadata.set("authorization", `Bearer ${await mintServiceToken(identity)}`);
    for (const [name, value] of Object.entries(extras.metadata ?? {})) metadata.set(name, value);
    return new Promise((resolve, reject) => {
      const fn = (client as unknown as Record<string, Function>)[method]!.bind(client);
      fn(request, metadata, { deadline: Date.now() + deadlineMs }, (error: grpc.ServiceError | null, res: Res) => (error ? reject(error) : resolve(res)));
    });
  }
  return {
    ...clients,
    call,
    /** A unary call expected to fail: resolves with its ServiceError, rejects if it succeeds. */
    fail(client: grpc.Client, method: string, request: object, deadlineMs = 5_000, extras: CallExtras = {}): Promise<grpc.ServiceError> {
      return call(client, method, request, deadlineMs, extras).then(
        (res) => Promise.reject(new Error(`${method} succeeded: ${JSON.stringify(res)}`)),
        (error: grpc.ServiceError) => error,
      );
    },
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}

export { grpc };
