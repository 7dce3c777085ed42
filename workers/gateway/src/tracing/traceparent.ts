/** A W3C Trace Context `traceparent`: who the caller is in which trace. */
export interface TraceParent {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** The caller's span: 16 lowercase hex digits, not all zero. */
  parentId: string;
  /** The caller recorded its part of the trace (flag 01). */
  sampled: boolean;
}

// version "00" is exactly this; a later version may append "-…" fields we ignore.
const shape = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses per W3C Trace Context level 1: lowercase hex only, version "ff" and all-zero ids
 * invalid, version 00 without trailing fields. Undefined for anything invalid, and the
 * caller then starts a new trace (as the spec asks), rather than failing the request.
 */
export function parseTraceparent(header: string | null | undefined): TraceParent | undefined {
  if (header == null) return undefined;
  const match = shape.exec(header.trim());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, parentId, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/** `00-{traceId}-{spanId}-{flags}`: what goes upstream, with our span as the parent. */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return `00-${traceId}-${spanId}-${sampled ? "01" : "00"}`;
}
