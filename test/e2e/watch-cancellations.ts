// How many WatchOrders calls the order service counted as CANCELED (its /metrics), for
// tests that check a client going away is seen there.
import { parsePrometheusText } from "@grpc-edge/service-kit/testing";
import { expect } from "vitest";

export function watchCancellations(metricsUrl: string): () => Promise<number> {
  return async () =>
    parsePrometheusText(await (await fetch(metricsUrl)).text()).value("rpc_server_requests_total", { rpc: "orders.v1.OrderService/WatchOrders", code: "canceled" }) ?? 0;
}

/**
 * The count to measure a new cancellation against: earlier tests' streams end
 * asynchronously, so it waits until none is open and the count has stopped moving.
 */
export async function settledWatchCancellations(metricsUrl: string): Promise<number> {
  const canceled = watchCancellations(metricsUrl);
  await expect.poll(async () => parsePrometheusText(await (await fetch(metricsUrl)).text()).value("order_event_subscriptions") ?? 0, { timeout: 5_000 }).toBe(0);
  let before = await canceled();
  await expect
    .poll(
      async () => {
        const now = await canceled();
        const settled = now === before;
        before = now;
        return settled;
      },
      { interval: 250, timeout: 5_000 },
    )
    .toBe(true);
  return before;
}
