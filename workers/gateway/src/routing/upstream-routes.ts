import type { DescMethod } from "@bufbuild/protobuf";
import { OrderService } from "@grpc-edge/proto/orders/v1";
import { UserService } from "@grpc-edge/proto/user/v1";

/** The services the gateway calls, each at its own URL (USER_SERVICE_URL, ORDER_SERVICE_URL). */
export type Upstream = "user" | "order";

/** By default an RPC goes to the service that owns it. */
const owners = new Map<string, Upstream>([
  [UserService.typeName, "user"],
  [OrderService.typeName, "order"],
]);

/**
 * The exceptions, each with its reason: RPCs that still go through another service
 * because that one adds a check the owner cannot make.
 */
export const routeOverrides: readonly { method: DescMethod; upstream: Upstream; reason: string }[] = [
  ...[OrderService.method.createOrder, OrderService.method.listOrders].map((method) => ({
    method,
    upstream: "user" as const,
    // services/user/src/order-facade.ts: the order service knows no users.
    reason:
      "they name a user: only the user service can answer NOT_FOUND for an unknown one, and it checks the caller may name that user first (so unknown and forbidden look alike)",
  })),
];

const overridden = new Map<DescMethod, Upstream>(routeOverrides.map(({ method, upstream }) => [method, upstream]));

/** Where an RPC is sent; a method of no known service has no upstream (never routed: not published). */
export function upstreamOf(method: DescMethod): Upstream {
  const upstream = overridden.get(method) ?? owners.get(method.parent.typeName);
  if (upstream === undefined) throw new Error(`no upstream serves ${method.parent.typeName}`);
  return upstream;
}
