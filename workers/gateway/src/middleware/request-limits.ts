import type { MiddlewareHandler } from "hono";
import { GatewayError } from "../errors/gateway-error.ts";
import { problemTypes } from "../errors/problem-types.ts";
import type { AppEnv } from "../context/app-env.ts";

export interface RequestLimitsOptions {
  /** Longest request URL (scheme to query), in bytes. */
  maxUrlBytes?: number;
  /** Largest sum of header names and values, in bytes. */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_URL_BYTES = 2048;
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

const encoder = new TextEncoder();

/**
 * Sanity limits on what no legitimate client of this API sends: the longest real URL
 * is a page token on /api/users (~150 bytes), and headers are a bearer token and a few
 * others. Checked before anything else reads the request.
 */
export function requestLimits({ maxUrlBytes = DEFAULT_MAX_URL_BYTES, maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES }: RequestLimitsOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (encoder.encode(c.req.url).byteLength > maxUrlBytes) {
      throw new GatewayError(problemTypes.uriTooLong, `the request URL must be at most ${maxUrlBytes} bytes`);
    }
    let headerBytes = 0;
    c.req.raw.headers.forEach((value, name) => {
      headerBytes += name.length + encoder.encode(value).byteLength;
    });
    if (headerBytes > maxHeaderBytes) {
      throw new GatewayError(problemTypes.requestHeaderFieldsTooLarge, `the request headers must be at most ${maxHeaderBytes} bytes in total`);
    }
    await next();
  };
}
