import { Code, ConnectError } from "@connectrpc/connect";
import type { Context } from "hono";
import type { AppEnv } from "../context/app-env.ts";
import type { StreamSlots } from "./stream-slots.ts";
import { takeStreamSlot } from "./take-stream-slot.ts";

/** Why a stream's upstream call is aborted when its client leaves: the service sees CANCELED. */
export const clientWentAway = () => new ConnectError("the client went away", Code.Canceled);

export interface StreamScope {
  /** The upstream call's controller: aborted when the client's request is. */
  upstream: AbortController;
  /** Gives the slot back and stops watching the client's request (once the stream is over). */
  finish(): void;
}

/**
 * What every streamed answer holds while it is open, REST or RPC alike: one of the
 * caller's stream slots (take-stream-slot.ts) and an upstream controller linked to the
 * client's request.
 */
export function openStreamScope(c: Context<AppEnv>, slots: StreamSlots): StreamScope {
  const release = takeStreamSlot(c, slots);
  const upstream = new AbortController();
  const clientGone = () => upstream.abort(clientWentAway());
  c.req.raw.signal.addEventListener("abort", clientGone, { once: true });
  return {
    upstream,
    finish() {
      c.req.raw.signal.removeEventListener("abort", clientGone);
      release();
    },
  };
}
