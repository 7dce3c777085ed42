export { freePort } from "./free-port.ts";
export { findPostgresBin, startPostgresCluster, type PostgresCluster } from "./postgres-cluster.ts";
export { grpc, grpcJsClients, type CallExtras } from "./grpc-js-clients.ts";
export { errorInfoOf, messageOf, violationsOf } from "./grpc-status-details.ts";
export { bearer, mintServiceToken, TEST_SERVICE_TOKEN_SECRET, type MintOptions } from "./mint-service-token.ts";
export { serviceTokenInterceptor } from "./service-token-interceptor.ts";
export { createRpcCounter, type RpcCounter } from "./rpc-counter.ts";
export { testServiceEnv } from "./test-service-env.ts";
export { startFaultProxy, type FaultMode, type FaultProxy, type FaultProxyTarget } from "./fault-proxy.ts";
