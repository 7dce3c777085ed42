import type { Caller } from "../auth/caller.ts";

/**
 * What the edge decided about who may call: a verified end-user token; an anonymous read
 * with PUBLIC_READS (scope users:read); an anonymous read without it (no scope: the
 * services refuse what needs one); or refused (401, or a network blocked for failing).
 */
export type EdgeAuthz = "token" | "public-read" | "anonymous" | "denied";

/** This request's place in a distributed trace (W3C Trace Context). */
export interface RequestTrace {
  traceId: string;
  /** The gateway's server span for this request. */
  spanId: string;
  /** The caller's span, from a valid incoming traceparent. */
  parentSpanId?: string;
  /** Whether this trace is recorded: new traces are, an incoming one follows its flag. */
  sampled: boolean;
  /** An incoming tracestate, passed on unchanged. */
  tracestate?: string;
}

/** The one upstream call a REST request makes, for the client span, Server-Timing and the access log. */
export interface UpstreamCall {
  /** "package.Service/Method". */
  rpc: string;
  /** The route template it was reached by, e.g. "/api/users/{id}". */
  route: string;
  /** The gateway's client span, sent upstream as the traceparent's parent. */
  spanId: string;
  startMs: number;
  endMs: number;
  /** Connect code string: "ok", "not_found", "unavailable"… */
  code: string;
}

/** The Workers rate-limit binding, as much of it as the gateway uses (workers-types' RateLimit). */
export interface RateLimiterBinding {
  limit(options: { key: string }): Promise<{ success: boolean }>;
}

/** A Fetcher binding (workers-types' Fetcher), as much of it as the upstream calls use. */
export interface UpstreamFetcher {
  fetch(input: string, init: RequestInit): Promise<Response>;
}

/** The static-assets binding (workers-types' Fetcher), as much of it as the /docs page uses. */
export interface AssetsFetcher {
  fetch(request: Request): Promise<Response>;
}

/** Hono's typing of per-request variables shared by the gateway's middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    trace: RequestTrace;
    upstream?: UpstreamCall;
    /** Internal description of a 5xx cause, for the access log only. */
    errorCause?: string;
    /** Who is calling, once the authenticate middleware has run (absent: anonymous, no scope). */
    caller?: Caller;
    /** The edge's authorization decision, for the access log (absent: no check ran, e.g. /healthz). */
    authz?: EdgeAuthz;
    /** A Connect or gRPC-Web call of a read RPC (rpc-protocols/): anonymous callers may make it, as a REST GET. */
    rpcRead?: true;
    /**
     * A streamed answer's end (its last frame sent, or the client gone): the access log
     * waits for it, so that its line has the stream's final status (c.var.upstream.code).
     */
    streamEnded?: Promise<void>;
    /** A write made over Connect or gRPC-Web: the REST path and answer (proto3 JSON) the edge cache invalidates by. */
    rpcWrite?: { path: string; answer: unknown };
  };
  Bindings: {
    /** Workers rate-limit binding ([[ratelimits]] in wrangler.toml); optional. */
    RATE_LIMITER?: RateLimiterBinding;
    /** Workers rate-limit binding counting failed authentications per client network; optional. */
    AUTH_FAILURE_LIMITER?: RateLimiterBinding;
    /** The /docs page's static assets ([assets] binding); optional. */
    ASSETS?: AssetsFetcher;
    /** The private origin in front of the services (a VPC service binding); optional, read per request. */
    SERVICES?: UpstreamFetcher;
  };
}
