export { freePort } from "./free-port.ts";
export { findPostgresBin, startPostgresCluster, type PostgresCluster } from "./postgres-cluster.ts";
export { grpc, grpcJsClients } from "./grpc-js-clients.ts";
export { messageOf, violationsOf } from "./grpc-status-details.ts";
export { createRpcCounter, type RpcCounter } from "./rpc-counter.ts";
export { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "./otlp-receiver.ts";
export { parsePrometheusText, type PrometheusSample, type PrometheusScrape } from "./parse-prometheus-text.ts";
