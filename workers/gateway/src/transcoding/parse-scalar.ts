import { ScalarType, type DescEnum } from "@bufbuild/protobuf";
import type { ScalarValue } from "@bufbuild/protobuf/reflect";
import { base64Decode } from "@bufbuild/protobuf/wire";

/** A path or query text that is not a value of the field's type; the message says what is expected. */
export class ScalarSyntaxError extends Error {
  override name = "ScalarSyntaxError";
}

// Canonical decimal only: no "+", no leading zeros, no exponent, no spaces, no hex.
const integer = /^-?(0|[1-9][0-9]*)$/;
const decimal = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const base64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const maxFloat32 = 3.4028234663852886e38;

const int32 = { min: -(2n ** 31n), max: 2n ** 31n - 1n, what: "a 32-bit integer" };
const uint32 = { min: 0n, max: 2n ** 32n - 1n, what: "an unsigned 32-bit integer" };
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n, what: "a 64-bit integer" };
const uint64 = { min: 0n, max: 2n ** 64n - 1n, what: "an unsigned 64-bit integer" };

/** Text from a URL (already percent-decoded) as a value of a scalar field, strictly. */
export function parseScalar(type: ScalarType, text: string): ScalarValue {
  switch (type) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BOOL:
      if (text === "true") return true;
      if (text === "false") return false;
      throw new ScalarSyntaxError("must be true or false");
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return Number(parseInteger(text, int32));
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return Number(parseInteger(text, uint32));
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return parseInteger(text, int64);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return parseInteger(text, uint64);
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return parseFloating(text, type === ScalarType.FLOAT);
    case ScalarType.BYTES:
      if (!base64.test(text)) throw new ScalarSyntaxError("must be base64");
      return base64Decode(text);
  }
}

/** An enum value by name ("ORDER_STATUS_PLACED") or by number ("1"). */
export function parseEnum(desc: DescEnum, text: string): number {
  const byName = desc.values.find((v) => v.name === text);
  if (byName !== undefined) return byName.number;
  if (integer.test(text)) {
    const n = BigInt(text);
    if (n >= int32.min && n <= int32.max) return Number(n);
  }
  throw new ScalarSyntaxError(`must be one of ${desc.values.map((v) => v.name).join(", ")} (or its number)`);
}

function parseInteger(text: string, range: { min: bigint; max: bigint; what: string }): bigint {
  const n = integer.test(text) ? BigInt(text) : undefined;
  if (n === undefined || n < range.min || n > range.max) {
    throw new ScalarSyntaxError(`must be ${range.what} (${range.min} to ${range.max})`);
  }
  return n;
}

function parseFloating(text: string, float32: boolean): number {
  if (text === "NaN") return Number.NaN;
  if (text === "Infinity") return Number.POSITIVE_INFINITY;
  if (text === "-Infinity") return Number.NEGATIVE_INFINITY;
  const n = decimal.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || (float32 && Math.abs(n) > maxFloat32)) {
    throw new ScalarSyntaxError(`must be a ${float32 ? "32" : "64"}-bit floating point number`);
  }
  return n;
}
