import { SpanKind } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../../testing/index.ts";
import { createTracing } from "./create-tracing.ts";

let receiver: OtlpReceiver | undefined;
afterEach(() => receiver?.close());

describe("createTracing", () => {
  it("exports spans as OTLP/HTTP JSON to {endpoint}/v1/traces, tagged with service.name", async () => {
    receiver = await startOtlpReceiver();
    const tracing = await createTracing({ serviceName: "user-service", endpoint: `${receiver.url}/` });
    const span = tracing.tracer.startSpan("user.v1.UserService/GetUserById", { kind: SpanKind.SERVER, attributes: { "rpc.method": "GetUserById" } });
    span.end();
    expect(tracing.enabled).toBe(true);
    // Batched: nothing leaves before the flush that shutdown does.
    await tracing.shutdown();
    expect(receiver.contentTypes).toEqual(["application/json"]);
    expect(receiver.spans).toEqual([
      expect.objectContaining({
        service: "user-service",
        name: "user.v1.UserService/GetUserById",
        kind: 2,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: "",
        attributes: { "rpc.method": "GetUserById" },
      }),
    ]);
  });

  it("without an endpoint is a no-op: spans do not record and nothing is exported", async () => {
    const tracing = await createTracing({ serviceName: "order-service", endpoint: undefined });
    const span = tracing.tracer.startSpan("x");
    expect(tracing.enabled).toBe(false);
    expect(span.isRecording()).toBe(false);
    span.end();
    await tracing.shutdown();
  });
});
