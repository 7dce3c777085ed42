// Order changes made through the gateway's REST API, and what a watcher should have seen of
// them: for end-to-end tests of GET /api/users/{userId}/orders:watch.
import { expect } from "vitest";
import type { StreamEvent } from "./open-event-stream.ts";

/** One order change as a watcher sees it: the SSE event name and the order it is about. */
export type Change = [event: "placed" | "cancelled", orderId: number];

interface RestOrder {
  id: number;
  status: string;
}

/** Places an order through REST; the answer must be 201. */
export async function placeOrder(gatewayUrl: string, auth: Record<string, string>, userId: number, itemId = 1): Promise<number> {
  const res = await fetch(`${gatewayUrl}/api/users/${userId}/orders`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ itemId, amount: 1 }),
  });
  const body = (await res.json()) as { id: number };
  expect(res.status, JSON.stringify(body)).toBe(201);
  return body.id;
}

/** Cancels an order through REST; the answer must be 200. */
export async function cancelOrder(gatewayUrl: string, auth: Record<string, string>, orderId: number): Promise<void> {
  const res = await fetch(`${gatewayUrl}/api/orders/${orderId}:cancel`, { method: "POST", headers: auth });
  const body = await res.text();
  expect(res.status, body).toBe(200);
}

/** Every order of a user as the REST API lists it (all pages). */
export async function restOrders(gatewayUrl: string, auth: Record<string, string>, userId: number): Promise<RestOrder[]> {
  const orders: RestOrder[] = [];
  let pageToken = "";
  do {
    const res = await fetch(`${gatewayUrl}/api/users/${userId}/orders?pageSize=500${pageToken === "" ? "" : `&pageToken=${pageToken}`}`, { headers: auth });
    const body = (await res.json()) as { orders?: RestOrder[]; nextPageToken?: string };
    expect(res.status, JSON.stringify(body)).toBe(200);
    orders.push(...(body.orders ?? []));
    pageToken = body.nextPageToken ?? "";
  } while (pageToken !== "");
  return orders;
}

/**
 * The changes the REST API says happened to `orderIds`: each one placed, and cancelled when
 * its status says so — in order id order (the placed before the cancelled of each).
 */
export function changesReported(orders: readonly RestOrder[], orderIds: ReadonlySet<number>): Change[] {
  return orders
    .filter((o) => orderIds.has(o.id))
    .sort((a, b) => a.id - b.id)
    .flatMap((o): Change[] => (o.status === "ORDER_STATUS_CANCELLED" ? [["placed", o.id], ["cancelled", o.id]] : [["placed", o.id]]));
}

/** The order changes among a watcher's events (placed and cancelled; not reconnect, reset…). */
export function changesSeen(events: readonly StreamEvent[]): Change[] {
  return events
    .filter((e) => e.event === "placed" || e.event === "cancelled")
    .map((e) => [e.event as Change[0], (JSON.parse(e.data) as { order: { id: number } }).order.id]);
}

/**
 * What makes a watcher's events a faithful log: every change event has an id, the ids strictly
 * increase (none repeated), and each order's cancellation comes after its placement.
 */
export function expectFaithfulLog(events: readonly StreamEvent[]): void {
  const changes = events.filter((e) => e.event === "placed" || e.event === "cancelled");
  const ids = changes.map((e) => BigInt(e.ownId ?? "-1"));
  expect(ids.filter((id, i) => id <= 0n || (i > 0 && id <= ids[i - 1]!)), "event ids out of order or repeated").toEqual([]);
  const placed = new Set<number>();
  const cancelledFirst: number[] = [];
  for (const [event, orderId] of changesSeen(changes)) {
    if (event === "placed") placed.add(orderId);
    else if (!placed.has(orderId)) cancelledFirst.push(orderId);
  }
  expect(cancelledFirst, "orders whose cancellation came without their placement before it").toEqual([]);
}

/** Sorts changes by order id, then placed before cancelled: a set to compare with changesReported. */
export function byOrder(changes: readonly Change[]): Change[] {
  return [...changes].sort((a, b) => a[1] - b[1] || (a[0] === b[0] ? 0 : a[0] === "placed" ? -1 : 1));
}
