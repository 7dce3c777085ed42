import { lookup } from "node:dns/promises";
import type http2 from "node:http2";
import { isIP } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { Http2SessionManager, type Http2SessionOptions } from "@connectrpc/connect-node";
import type { Logger } from "@grpc-edge/service-kit";

/** Every address a host name stands for (one per order-service task behind a DNS name). */
export type ResolveAll = (host: string) => Promise<string[]>;

/** The system resolver (getaddrinfo, as Node's own connections use), all addresses. */
export const lookupAll: ResolveAll = async (host) => (await lookup(host, { all: true })).map((a) => a.address);

export interface BalancingOptions {
  /** Default: lookupAll. Tests pass their own. */
  resolve?: ResolveAll;
  /** How often the host is resolved again; addresses gone from the answer stop getting calls. */
  reresolveMs: number;
  /** Keep-alive settings of each address's HTTP/2 session. */
  session?: Http2SessionOptions;
  logger?: Logger;
}

interface Endpoint {
  readonly address: string;
  readonly manager: Http2SessionManager;
  openStreams: number;
  /** When a connection to it last failed; skipped for one re-resolve interval while others work. */
  failedAt?: number;
  removed: boolean;
}

/**
 * An Http2SessionManager for connect's gRPC transport that spreads calls over every
 * address of the base URL's host: one HTTP/2 session per address, round robin per
 * call, the host resolved again every `reresolveMs`. A stream that could not be
 * opened on one address (connection refused: nothing was sent) is opened on the
 * next. The transport's interceptors run around it, so a stream refused during an
 * order task's GOAWAY is retried — on the next address — by refusedStreamRetry.
 */
export class BalancedSessionManager extends Http2SessionManager {
  readonly #url: URL;
  readonly #options: BalancingOptions;
  readonly #resolve: ResolveAll;
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #owners = new WeakMap<http2.ClientHttp2Stream, Endpoint>();
  readonly #guarded = new WeakSet<http2.Http2Session>();
  #rotation: Endpoint[] = [];
  #next = 0;
  #resolved: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(baseUrl: string, options: BalancingOptions) {
    super(baseUrl);
    this.#url = new URL(baseUrl);
    this.#options = options;
    this.#resolve = options.resolve ?? lookupAll;
    // Resolving again in the background (a literal address never changes); it never keeps the process alive.
    if (!isIP(this.#host())) {
      this.#timer = setInterval(() => void this.#refresh(), options.reresolveMs);
      this.#timer.unref();
    }
  }

  /** The addresses calls go to now. */
  addresses(): string[] {
    return this.#rotation.map((e) => e.address);
  }

  override async request(method: string, path: string, headers: http2.OutgoingHttpHeaders, options: Omit<http2.ClientSessionRequestOptions, "signal">): Promise<http2.ClientHttp2Stream> {
    if (this.#rotation.length === 0) await this.#refresh();
    const candidates = this.#pick();
    if (candidates.length === 0) throw new ConnectError(`order service: no address for ${this.#url.hostname}`, Code.Unavailable);
    let failure: unknown;
    for (const endpoint of candidates) {
      try {
        const stream = await endpoint.manager.request(method, path, headers, options);
        endpoint.failedAt = undefined;
        this.#track(endpoint, stream);
        return stream;
      } catch (error) {
        // No stream was opened, so nothing was sent: the next address may take it.
        endpoint.failedAt = Date.now();
        failure = error;
      }
    }
    throw failure;
  }

  override notifyResponseByteRead(stream: http2.ClientHttp2Stream): void {
    this.#owners.get(stream)?.manager.notifyResponseByteRead(stream);
  }

  override async connect(): Promise<"open" | "idle" | "error"> {
    if (this.#rotation.length === 0) await this.#refresh();
    const states = await Promise.all(this.#rotation.map((e) => e.manager.connect()));
    return states.find((s) => s === "open") ?? states.find((s) => s === "idle") ?? "error";
  }

  override state(): ReturnType<Http2SessionManager["state"]> {
    const states = this.#rotation.map((e) => e.manager.state());
    for (const s of ["open", "idle", "verifying", "connecting", "error"] as const) if (states.includes(s)) return s;
    return "closed";
  }

  override error(): unknown {
    return this.#rotation.map((e) => e.manager.error()).find((e) => e !== undefined);
  }

  /** Closes every session (shutdown) and stops resolving. */
  override abort(reason?: Error): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const endpoint of this.#endpoints.values()) endpoint.manager.abort(reason);
    this.#endpoints.clear();
    this.#rotation = [];
  }

  /** The rotation from the next position on, addresses that just failed last. */
  #pick(): Endpoint[] {
    const n = this.#rotation.length;
    if (n === 0) return [];
    const start = this.#next++ % n;
    const ordered = [...this.#rotation.slice(start), ...this.#rotation.slice(0, start)];
    const recent = (e: Endpoint) => e.failedAt !== undefined && Date.now() - e.failedAt < this.#options.reresolveMs;
    return [...ordered.filter((e) => !recent(e)), ...ordered.filter(recent)];
  }

  #track(endpoint: Endpoint, stream: http2.ClientHttp2Stream): void {
    this.#guard(stream.session);
    endpoint.openStreams++;
    this.#owners.set(stream, endpoint);
    stream.once("close", () => {
      endpoint.openStreams--;
      if (endpoint.removed && endpoint.openStreams === 0) endpoint.manager.abort();
    });
  }

  /**
   * A GOAWAY on a session with no open stream (an order task draining, a balancer closing an
   * idle connection) makes connect-node destroy it with an error that Node raises only once
   * the socket has closed; a call made meanwhile moves the manager to a new session and takes
   * its listeners off the old one, and the late error would crash the process
   * (connectrpc/connect-es#1768). One listener per session that stays: the error is expected.
   */
  #guard(session: http2.Http2Session | undefined): void {
    if (session === undefined || this.#guarded.has(session)) return;
    this.#guarded.add(session);
    session.on("error", (error: Error) => this.#options.logger?.debug({ reason: error.message }, "order service: a closed session's error"));
  }

  /** Resolves the host once at a time; callers arriving meanwhile wait for the same answer. */
  #refresh(): Promise<void> {
    this.#resolved ??= this.#apply().finally(() => (this.#resolved = undefined));
    return this.#resolved;
  }

  #host(): string {
    return this.#url.hostname.replace(/^\[(.*)\]$/, "$1");
  }

  async #apply(): Promise<void> {
    const host = this.#host();
    let addresses: string[];
    try {
      addresses = [...new Set(isIP(host) ? [host] : await this.#resolve(host))];
    } catch (error) {
      // Keep calling the addresses known so far: a failed lookup says nothing about them.
      this.#options.logger?.warn({ host, reason: (error as Error).message }, "order service: resolving failed; keeping the known addresses");
      return;
    }
    if (this.#closed) return;
    const before = this.addresses().join(",");
    for (const address of addresses) if (!this.#endpoints.has(address)) this.#endpoints.set(address, this.#endpoint(address));
    for (const [address, endpoint] of this.#endpoints) {
      if (addresses.includes(address)) continue;
      // Gone from DNS (the task stopped or is being replaced): no new calls; the session
      // closes once the calls on it have finished.
      endpoint.removed = true;
      this.#endpoints.delete(address);
      if (endpoint.openStreams === 0) endpoint.manager.abort();
    }
    this.#rotation = [...this.#endpoints.values()];
    if (this.addresses().join(",") !== before) this.#options.logger?.info({ host, addresses: this.addresses() }, "order service addresses");
  }

  #endpoint(address: string): Endpoint {
    const url = new URL(this.#url.origin);
    url.hostname = address.includes(":") ? `[${address}]` : address;
    // TLS still verifies the certificate against the host name, not the address.
    const tls = this.#url.protocol === "https:" && !isIP(this.#url.hostname) ? { servername: this.#url.hostname } : undefined;
    return { address, manager: new Http2SessionManager(url.origin, this.#options.session, tls), openStreams: 0, removed: false };
  }
}
