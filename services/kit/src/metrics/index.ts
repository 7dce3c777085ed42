export { createServiceMetrics, rpcDurationBuckets, type ServiceMetrics } from "./create-service-metrics.ts";
export { httpMetricsHandler } from "./http-metrics-handler.ts";
export { metricsInterceptor } from "./metrics-interceptor.ts";
export { listenMetrics, type MetricsServer } from "./metrics-server.ts";
