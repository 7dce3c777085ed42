import pg from "pg";
import type { Logger } from "pino";
import type { NotificationHandlers, StopListening } from "./database-listener.ts";

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5_000;

/**
 * One dedicated connection (outside the pool, made with the pool's own settings)
 * that LISTENs on `channel`. A lost connection is replaced with exponential
 * backoff; once listening again, `onReconnect` tells subscribers to catch up.
 * Resolves once the first LISTEN is in place (or failed and is being retried).
 */
export async function listenPostgres(
  clientConfig: pg.ClientConfig,
  channel: string,
  handlers: NotificationHandlers,
  logger?: Logger,
): Promise<StopListening> {
  let stopped = false;
  let client: pg.Client | undefined;
  let retryMs = FIRST_RETRY_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  const quoted = `"${channel.replaceAll('"', '""')}"`;

  async function connect(isReconnect: boolean): Promise<void> {
    const next = new pg.Client(clientConfig);
    let failed = false;
    const lost = (error?: Error) => {
      if (failed || stopped) return;
      failed = true;
      if (client === next) client = undefined;
      next.end().catch(() => {});
      logger?.warn({ err: error, channel, retryMs }, "database listener lost its connection");
      scheduleRetry();
    };
    next.on("error", lost);
    next.on("end", () => lost());
    next.on("notification", (message) => {
      if (message.channel === channel) handlers.onNotify(message.payload ?? "");
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${quoted}`);
    } catch (error) {
      lost(error as Error);
      return;
    }
    if (stopped) return void (await next.end().catch(() => {}));
    client = next;
    retryMs = FIRST_RETRY_MS;
    if (isReconnect) {
      logger?.info({ channel }, "database listener reconnected");
      handlers.onReconnect?.();
    }
  }

  function scheduleRetry(): void {
    if (stopped) return;
    retryTimer = setTimeout(() => void connect(true), retryMs);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }

  await connect(false);
  return async () => {
    stopped = true;
    clearTimeout(retryTimer);
    const open = client;
    client = undefined;
    await open?.end().catch(() => {});
  };
}
