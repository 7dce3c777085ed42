export { clientTracingInterceptor } from "./client-tracing-interceptor.ts";
export { createTracing, type Tracing, type TracingOptions } from "./create-tracing.ts";
export { isServerFault, rpcCodeName, rpcCodeOf } from "./rpc-code.ts";
export { serverTracingInterceptor } from "./server-tracing-interceptor.ts";
export { traceContextKey, traceLogFields } from "./trace-context.ts";
