import { create, getOption, hasOption, ScalarType, type DescEnum, type DescField, type DescMessage, type Message } from "@bufbuild/protobuf";
import type { ScalarValue } from "@bufbuild/protobuf/reflect";
import { isWrapperDesc } from "@bufbuild/protobuf/wkt";
import { field as fieldRulesExtension, type FieldRules } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import fc from "fast-check";

// Messages for any descriptor, biased by the field's buf.validate rules: bounds and
// their neighbours, const/in/not_in values, lengths around min/max, affixes, e-mails,
// UUIDs, odd unicode; unset, empty and oversized lists and maps.

type Arb = fc.Arbitrary<unknown>;
// The rules messages are read generically: the property names are protovalidate's.
type AnyRules = Record<string, any>;

export function messageArbitrary(desc: DescMessage, depth = 2): fc.Arbitrary<Message> {
  return initArbitrary(desc, depth).map((init) => create(desc, init));
}

function rulesOf(field: DescField): FieldRules | undefined {
  return hasOption(field, fieldRulesExtension) ? getOption(field, fieldRulesExtension) : undefined;
}

function initArbitrary(desc: DescMessage, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const parts: Record<string, Arb> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      parts[member.localName] = fc.oneof(
        ...member.fields.map((f) => singleArbitrary(f, rulesOf(f), depth).map((value) => ({ case: f.localName, value }))),
      );
      continue;
    }
    const rules = rulesOf(member);
    switch (member.fieldKind) {
      case "list": {
        const r = rules?.type.case === "repeated" ? (rules.type.value as AnyRules) : undefined;
        const item = elementArbitrary(member.listKind, member, r?.items, depth);
        parts[member.localName] = sized(item, r?.minItems, r?.maxItems, r?.unique === true);
        break;
      }
      case "map": {
        const r = rules?.type.case === "map" ? (rules.type.value as AnyRules) : undefined;
        const key = scalarArbitrary(member.mapKey, r?.keys);
        const value = elementArbitrary(member.mapKind, member, r?.values, depth);
        parts[member.localName] = sized(fc.tuple(key, value), r?.minPairs, r?.maxPairs, false).map(
          (pairs) => Object.fromEntries((pairs as [ScalarValue, unknown][]).map(([k, v]) => [String(k), v])),
        );
        break;
      }
      default:
        parts[member.localName] = singleArbitrary(member, rules, depth);
    }
  }
  // Any key may be missing: unset (explicit presence) or the zero value (implicit).
  return fc.record(parts, { requiredKeys: [] });
}

function singleArbitrary(field: DescField, rules: FieldRules | undefined, depth: number): Arb {
  switch (field.fieldKind) {
    case "scalar":
      return scalarArbitrary(field.scalar, rules);
    case "enum":
      return enumArbitrary(field.enum, rules);
    case "message":
      return messageInit(field.message, rules, depth);
    default:
      throw new Error(`not a singular field: ${field.toString()}`);
  }
}

function elementArbitrary(kind: "scalar" | "enum" | "message", field: DescField, rules: FieldRules | undefined, depth: number): Arb {
  if (kind === "enum") return enumArbitrary(field.enum!, rules);
  if (kind === "message") return messageInit(field.message!, rules, depth);
  return scalarArbitrary(field.scalar!, rules);
}

function messageInit(desc: DescMessage, rules: FieldRules | undefined, depth: number): Arb {
  // Wrapper fields are unboxed in protobuf-es: the init is the inner value.
  if (isWrapperDesc(desc)) return scalarArbitrary(desc.fields[0]!.scalar!, rules);
  if (desc.typeName === "google.protobuf.Timestamp" || desc.typeName === "google.protobuf.Duration") {
    return fc.record({ seconds: fc.bigInt({ min: -20n, max: 20n }), nanos: fc.integer({ min: 0, max: 999_999_999 }) });
  }
  return depth <= 0 ? fc.constant({}) : initArbitrary(desc, depth - 1);
}

/** Lists (or map entries) of lengths around min/max, sometimes with a duplicate. */
function sized(item: Arb, min: bigint | undefined, max: bigint | undefined, duplicates: boolean): fc.Arbitrary<unknown[]> {
  const lengths = [min, max].filter((n): n is bigint => n !== undefined && n > 0n).flatMap((n) => [Number(n) - 1, Number(n), Number(n) + 1]);
  const arbs: fc.Arbitrary<unknown[]>[] = [fc.array(item, { maxLength: 4 })];
  if (lengths.length > 0) arbs.push(fc.constantFrom(...lengths).chain((n) => fc.array(item, { minLength: n, maxLength: n })));
  if (duplicates) arbs.push(fc.array(item, { minLength: 1, maxLength: 3 }).map((a) => [...a, a[0]]));
  return fc.oneof(...arbs);
}

function enumArbitrary(desc: DescEnum, rules: FieldRules | undefined): Arb {
  const r = rules?.type.case === "enum" ? (rules.type.value as AnyRules) : {};
  const known = [...desc.values.map((v) => v.number), ...(r.in ?? []), ...(r.notIn ?? []), ...(r.const === undefined ? [] : [r.const])];
  return fc.oneof(fc.constantFrom(...known), fc.integer({ min: -3, max: 9 }));
}

const int32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const uint32 = { min: 0, max: 2 ** 32 - 1 };
const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const uint64 = { min: 0n, max: 2n ** 64n - 1n };

export function scalarArbitrary(scalar: ScalarType, rules: FieldRules | undefined): Arb {
  const r = (rules?.type.value ?? {}) as AnyRules;
  switch (scalar) {
    case ScalarType.STRING:
      return stringArbitrary(rules?.type.case === "string" ? r : {});
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.BYTES:
      return fc.oneof(fc.uint8Array({ maxLength: 6 }), fc.constantFrom(new Uint8Array(), Uint8Array.of(1), Uint8Array.of(1, 2)));
    case ScalarType.FLOAT:
    case ScalarType.DOUBLE:
      return floatArbitrary(r, scalar === ScalarType.FLOAT);
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return intArbitrary(r, int32);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return intArbitrary(r, uint32);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return bigIntArbitrary(r, int64);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return bigIntArbitrary(r, uint64);
  }
}

/** The numbers a numeric rules message mentions: const, in, not_in, bounds. */
function ruleNumbers<T>(r: AnyRules): T[] {
  return [r.const, ...(r.in ?? []), ...(r.notIn ?? []), r.greaterThan?.value, r.lessThan?.value].filter((v) => v !== undefined);
}

function intArbitrary(r: AnyRules, range: { min: number; max: number }): Arb {
  const near = ruleNumbers<number>(r)
    .flatMap((v) => [v - 1, v, v + 1])
    .concat([0, range.min, range.max])
    .filter((v) => v >= range.min && v <= range.max);
  return fc.oneof(fc.constantFrom(...near), fc.integer({ min: -20, max: 20 }).filter((v) => v >= range.min), fc.integer(range));
}

function bigIntArbitrary(r: AnyRules, range: { min: bigint; max: bigint }): Arb {
  const near = ruleNumbers<bigint>(r)
    .flatMap((v) => [v - 1n, v, v + 1n])
    .concat([0n, range.min, range.max])
    .filter((v) => v >= range.min && v <= range.max);
  return fc.oneof(fc.constantFrom(...near), fc.bigInt({ min: -20n, max: 20n }).filter((v) => v >= range.min), fc.bigInt(range));
}

function floatArbitrary(r: AnyRules, float32: boolean): Arb {
  const round = float32 ? Math.fround : (v: number) => v;
  const near = ruleNumbers<number>(r).flatMap((v) => [nextAfter(v, -Infinity, float32), v, nextAfter(v, Infinity, float32)]);
  const special = [0, -0, Number.NaN, Infinity, -Infinity, 1, -1, 0.5, 1e21, 1e-7];
  return fc.oneof(
    fc.constantFrom(...near, ...special).map(round),
    float32 ? fc.float() : fc.double(),
    fc.double({ min: -3, max: 3, noNaN: true }).map(round),
  );
}

/** The nearest float (or float32) from `v` towards `to`. */
function nextAfter(v: number, to: number, float32: boolean): number {
  if (Number.isNaN(v) || v === to) return v;
  const view = new DataView(new ArrayBuffer(8));
  if (v === 0) return (to > 0 ? 1 : -1) * (float32 ? 1.401298464324817e-45 : Number.MIN_VALUE);
  const up = (to > v) === (v > 0);
  if (float32) {
    view.setFloat32(0, v);
    view.setInt32(0, view.getInt32(0) + (up ? 1 : -1));
    return view.getFloat32(0);
  }
  view.setFloat64(0, v);
  view.setBigInt64(0, view.getBigInt64(0) + (up ? 1n : -1n));
  return view.getFloat64(0);
}

// Characters that tell code points from UTF-16 units and bytes, and that regex engines
// disagree on (line terminators, non-ASCII spaces).
const chars = ["a", "b", "m", "k", "y", "z", "A", "0", "9", "-", "_", ".", "@", " ", "\t", "\n", "\r", "\v", "\u00a0", "\u2028", "\u3000", "é", "ß", "😀", "𝑎"];

function stringArbitrary(r: AnyRules): Arb {
  const pick = fc.constantFrom(...chars);
  const word = (max: number) => fc.array(pick, { maxLength: max }).map((a) => a.join(""));
  const lengths = [r.len, r.minLen, r.maxLen, r.lenBytes, r.minBytes, r.maxBytes]
    .filter((n): n is bigint => n !== undefined)
    .flatMap((n) => [Number(n) - 1, Number(n), Number(n) + 1])
    .filter((n) => n >= 0);
  const fixed = [r.const, ...(r.in ?? []), ...(r.notIn ?? []), r.prefix, r.suffix, r.contains, r.notContains].filter((v) => v !== undefined);
  const arbs: Arb[] = [word(6), fc.string({ unit: "binary", maxLength: 8 }), fc.constantFrom("", ...fixed)];
  if (lengths.length > 0) {
    const narrow = fc.constantFrom("a", "é", "😀", "\u00a0");
    arbs.push(fc.constantFrom(...lengths).chain((n) => fc.array(narrow, { minLength: n, maxLength: n }).map((a) => a.join(""))));
  }
  if (r.prefix !== undefined || r.suffix !== undefined || r.contains !== undefined || r.notContains !== undefined) {
    const part = (s: string | undefined) => fc.oneof(fc.constant(s ?? ""), fc.constant(""), word(2));
    arbs.push(fc.tuple(part(r.prefix), word(2), part(r.contains), part(r.notContains), part(r.suffix)).map((p) => p.join("")));
  }
  const format = r.wellKnown?.case;
  if (format === "email") arbs.push(mutated(fc.emailAddress()), fc.emailAddress(), mutated(fc.constantFrom("a@b.c", "x@example.com")));
  if (format === "uuid" || format === "tuuid") {
    const uuid = fc.uuid({ version: [1, 4, 7] }).map((u) => (format === "tuuid" ? u.replaceAll("-", "") : u));
    arbs.push(uuid, mutated(uuid), uuid.map((u) => u.toUpperCase()));
  }
  return fc.oneof(...arbs);
}

/** A string with one character inserted, replaced or removed. */
function mutated(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(base, fc.nat(), fc.constantFrom(...chars, "", "@", "..", "g", "-", "\u0000", "é"), fc.boolean())
    .map(([s, at, c, replace]) => {
      const i = s.length === 0 ? 0 : at % s.length;
      return s.slice(0, i) + c + s.slice(replace ? i + 1 : i);
    });
}
