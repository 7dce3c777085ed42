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
const utf8Bytes = (text: string) => encoder.encode(text).byteLength;

function exactValueBytes(headers: Headers): number {
  let bytes = 0;
  for (const [, value] of headers) bytes += utf8Bytes(value);
  return bytes;
}

/**
 * Sanity limits on what no legitimate client of this API sends: the longest real URL
 * is a page token on /api/users (~150 bytes), and headers are a bearer token and a few
 * others. Checked before anything else reads the request.
 */
export function requestLimits({ maxUrlBytes = DEFAULT_MAX_URL_BYTES, maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES }: RequestLimitsOptions = {}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A UTF-16 code unit is at most 3 UTF-8 bytes: encode only what could be over the limit.
    const url = c.req.url;
    if (url.length * 3 > maxUrlBytes && utf8Bytes(url) > maxUrlBytes) {
      throw new GatewayError(problemTypes.uriTooLong, `the request URL must be at most ${maxUrlBytes} bytes`);
    }
    let names = 0;
    let values = 0;
    for (const [name, value] of c.req.raw.headers) {
      names += name.length;
      values += value.length;
    }
    // Only near the limit: the values' exact UTF-8 size (header names are ASCII).
    if (names + values * 3 > maxHeaderBytes && names + exactValueBytes(c.req.raw.headers) > maxHeaderBytes) {
      throw new GatewayError(problemTypes.requestHeaderFieldsTooLarge, `the request headers must be at most ${maxHeaderBytes} bytes in total`);
    }
    await next();
  };
}
