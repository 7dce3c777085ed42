import { ScalarType } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { libraryMessage } from "../../test/library-service.ts";
import { parseEnum, parseScalar, ScalarSyntaxError } from "./parse-scalar.ts";

describe("parseScalar accepts canonical text", () => {
  it.each<[string, ScalarType, string, unknown]>([
    ["string as is", ScalarType.STRING, "a b/c", "a b/c"],
    ["empty string", ScalarType.STRING, "", ""],
    ["bool true", ScalarType.BOOL, "true", true],
    ["bool false", ScalarType.BOOL, "false", false],
    ["int32", ScalarType.INT32, "42", 42],
    ["int32 max", ScalarType.INT32, "2147483647", 2147483647],
    ["int32 min", ScalarType.INT32, "-2147483648", -2147483648],
    ["sint32 negative", ScalarType.SINT32, "-5", -5],
    ["uint32 max", ScalarType.UINT32, "4294967295", 4294967295],
    ["int64 beyond 2^53", ScalarType.INT64, "9007199254740993", 9007199254740993n],
    ["int64 min", ScalarType.INT64, "-9223372036854775808", -9223372036854775808n],
    ["uint64 max", ScalarType.UINT64, "18446744073709551615", 18446744073709551615n],
    ["fixed64", ScalarType.FIXED64, "0", 0n],
    ["double", ScalarType.DOUBLE, "1.5", 1.5],
    ["double exponent", ScalarType.DOUBLE, "-2.5e3", -2500],
    ["double NaN", ScalarType.DOUBLE, "NaN", Number.NaN],
    ["double -Infinity", ScalarType.DOUBLE, "-Infinity", Number.NEGATIVE_INFINITY],
    ["float", ScalarType.FLOAT, "3.25", 3.25],
    ["bytes, standard base64", ScalarType.BYTES, "aGk/", new Uint8Array([0x68, 0x69, 0x3f])],
    ["bytes, URL-safe base64", ScalarType.BYTES, "aGk_", new Uint8Array([0x68, 0x69, 0x3f])],
  ])("%s: %j", (_, type, text, expected) => {
    expect(parseScalar(type, text)).toEqual(expected);
  });
});

describe("parseScalar rejects everything else with what it expects", () => {
  it.each<[string, ScalarType, string, string]>([
    ["int32 overflow", ScalarType.INT32, "2147483648", "must be a 32-bit integer"],
    ["int32 underflow", ScalarType.INT32, "-2147483649", "must be a 32-bit integer"],
    ["int32 decimal", ScalarType.INT32, "1.5", "must be a 32-bit integer"],
    ["int32 exponent", ScalarType.INT32, "1e3", "must be a 32-bit integer"],
    ["int32 plus sign", ScalarType.INT32, "+1", "must be a 32-bit integer"],
    ["int32 leading zero", ScalarType.INT32, "01", "must be a 32-bit integer"],
    ["int32 hex", ScalarType.INT32, "0x10", "must be a 32-bit integer"],
    ["int32 padded", ScalarType.INT32, " 1", "must be a 32-bit integer"],
    ["int32 empty", ScalarType.INT32, "", "must be a 32-bit integer"],
    ["uint32 negative", ScalarType.UINT32, "-1", "must be an unsigned 32-bit integer"],
    ["int64 overflow", ScalarType.INT64, "9223372036854775808", "must be a 64-bit integer"],
    ["uint64 negative", ScalarType.UINT64, "-1", "must be an unsigned 64-bit integer"],
    ["bool as number", ScalarType.BOOL, "1", "must be true or false"],
    ["bool capitalised", ScalarType.BOOL, "True", "must be true or false"],
    ["double word", ScalarType.DOUBLE, "abc", "must be a 64-bit floating point number"],
    ["double overflow", ScalarType.DOUBLE, "1e999", "must be a 64-bit floating point number"],
    ["double leading dot", ScalarType.DOUBLE, ".5", "must be a 64-bit floating point number"],
    ["float overflow", ScalarType.FLOAT, "1e39", "must be a 32-bit floating point number"],
    ["bytes not base64", ScalarType.BYTES, "a b", "must be base64"],
  ])("%s: %j", (_, type, text, message) => {
    expect(() => parseScalar(type, text)).toThrow(ScalarSyntaxError);
    expect(() => parseScalar(type, text)).toThrow(message);
  });
});

describe("parseEnum", () => {
  const genre = libraryMessage("Book").fields.find((f) => f.name === "genre")!.enum!;

  it.each([
    ["GENRE_POETRY", 2],
    ["1", 1],
    // Open enums: an unknown number is kept, as proto3 JSON does.
    ["7", 7],
  ])("%s → %i", (text, number) => {
    expect(parseEnum(genre, text)).toBe(number);
  });

  it.each(["genre_poetry", "POETRY", "", "1.0", "2147483648"])("rejects %j, listing the names", (text) => {
    expect(() => parseEnum(genre, text)).toThrow("must be one of GENRE_UNSPECIFIED, GENRE_FICTION, GENRE_POETRY (or its number)");
  });
});
