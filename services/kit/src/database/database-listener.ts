/** What a LISTEN subscriber is told. */
export interface NotificationHandlers {
  /** A NOTIFY on the channel, with its payload. */
  onNotify(payload: string): void;
  /**
   * The listening connection was lost and is back: notifications sent in between
   * are gone, so subscribers should catch up from the database.
   */
  onReconnect?(): void;
}

/** Stops listening; resolves once the listening connection is closed. */
export type StopListening = () => Promise<void>;
