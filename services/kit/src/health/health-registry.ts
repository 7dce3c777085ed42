import { HealthCheckResponse_ServingStatus as ServingStatus } from "@grpc-edge/proto/grpc/health/v1";

export { ServingStatus };

/**
 * Serving status per service name ("" is the whole server), shared by the gRPC
 * health service and the HTTP readiness endpoint so both always agree.
 */
export class HealthRegistry {
  readonly #statuses = new Map<string, ServingStatus>();
  readonly #listeners = new Set<() => void>();
  #shuttingDown = false;

  constructor(services: readonly string[], initial: ServingStatus = ServingStatus.NOT_SERVING) {
    for (const service of ["", ...services]) this.#statuses.set(service, initial);
  }

  get(service: string): ServingStatus | undefined {
    return this.#statuses.get(service);
  }

  entries(): Array<[string, ServingStatus]> {
    return [...this.#statuses.entries()];
  }

  /** Sets every registered service (and the server as a whole) at once. */
  setAll(status: ServingStatus): void {
    let changed = false;
    for (const service of this.#statuses.keys()) {
      if (this.#statuses.get(service) !== status) changed = true;
      this.#statuses.set(service, status);
    }
    if (changed) for (const listener of this.#listeners) listener();
  }

  /** Everything NOT_SERVING for good: watchers see that last status, then their streams end. */
  shutDown(): void {
    this.#shuttingDown = true;
    this.setAll(ServingStatus.NOT_SERVING);
    for (const listener of this.#listeners) listener();
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Calls `listener` after every change; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
