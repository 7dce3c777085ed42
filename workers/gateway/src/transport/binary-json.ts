import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";

/**
 * Protobuf binary → the proto3 JSON text that `JSON.stringify(toJson(schema, message,
 * { alwaysEmitImplicit: true }))` gives, in one pass over the bytes: no message object,
 * no JSON object tree. That path was most of the Worker's CPU on a page of users.
 *
 * Only for message types whose every field (transitively) it knows how to write:
 * varint integers, bool, string, open enums, nested messages, Timestamp, repeated of
 * those. Anything else (maps, oneofs, floats, bytes, other well-known types) has no
 * writer, and bytes it cannot render the same way (a singular message sent twice, which
 * protobuf merges; an unknown enum value; a wire type that does not match) give
 * undefined: the caller renders the decoded message instead.
 */
export type BinaryJsonWriter = (bytes: Uint8Array) => string | undefined;

type Kind = "int32" | "uint32" | "sint32" | "int64" | "uint64" | "sint64" | "bool" | "string" | "enum" | "message" | "timestamp";

interface FieldPlan {
  /** `"jsonName":` */
  key: string;
  kind: Kind;
  repeated: boolean;
  /** The JSON of an absent field (implicit presence only); undefined: the key is left out. */
  absent: string | undefined;
  enumNames?: ReadonlyMap<number, string>;
  message?: MessagePlan;
}

interface MessagePlan {
  /** In field-number order, as protobuf-es writes them. */
  fields: FieldPlan[];
  byNumber: Map<number, number>;
}

const BAIL = Symbol("bail");
// google.protobuf.FeatureSet.FieldPresence.IMPLICIT (proto3's plain fields). Not imported from
// @bufbuild/protobuf/wkt: in wrangler's bundle that pulled in every well-known type (~6 KiB gzip).
const IMPLICIT_PRESENCE = 2;
const plans = new WeakMap<DescMessage, MessagePlan | null>();

const scalarKinds = new Map<ScalarType, Kind>([
  [ScalarType.INT32, "int32"],
  [ScalarType.UINT32, "uint32"],
  [ScalarType.SINT32, "sint32"],
  [ScalarType.INT64, "int64"],
  [ScalarType.UINT64, "uint64"],
  [ScalarType.SINT64, "sint64"],
  [ScalarType.BOOL, "bool"],
  [ScalarType.STRING, "string"],
]);

const writers = new WeakMap<DescMessage, BinaryJsonWriter | null>();

/** A writer for `desc` (made once per type), or undefined when some field of it has a JSON form this does not write. */
export function binaryJsonWriter(desc: DescMessage): BinaryJsonWriter | undefined {
  let writer = writers.get(desc);
  if (writer === undefined) writers.set(desc, (writer = writerOf(desc)));
  return writer ?? undefined;
}

function writerOf(desc: DescMessage): BinaryJsonWriter | null {
  const plan = planOf(desc);
  if (plan === null) return null;
  return (bytes) => {
    try {
      const json = readMessage(plan, { buf: bytes, pos: 0, lo: 0, hi: 0 }, bytes.byteLength);
      return json === BAIL ? undefined : json;
    } catch {
      // Truncated or malformed: the decoder's own error is the one to report.
      return undefined;
    }
  };
}

function planOf(desc: DescMessage): MessagePlan | null {
  const known = plans.get(desc);
  if (known !== undefined) return known;
  const plan: MessagePlan = { fields: [], byNumber: new Map() };
  // Registered first, so a recursive type finds itself.
  plans.set(desc, plan);
  for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) {
    const fieldPlan = fieldPlanOf(field);
    if (fieldPlan === null) {
      plans.set(desc, null);
      return null;
    }
    plan.byNumber.set(field.number, plan.fields.length);
    plan.fields.push(fieldPlan);
  }
  return plan;
}

function fieldPlanOf(field: DescField): FieldPlan | null {
  if (field.oneof !== undefined || field.fieldKind === "map") return null;
  const key = `${JSON.stringify(field.jsonName)}:`;
  const repeated = field.fieldKind === "list";
  const implicit = field.presence === IMPLICIT_PRESENCE;
  const scalar = field.fieldKind === "scalar" ? field.scalar : field.fieldKind === "list" && field.listKind === "scalar" ? field.scalar : undefined;
  const enumDesc = field.fieldKind === "enum" ? field.enum : field.fieldKind === "list" && field.listKind === "enum" ? field.enum : undefined;
  const messageDesc = field.fieldKind === "message" ? field.message : field.fieldKind === "list" && field.listKind === "message" ? field.message : undefined;
  if (messageDesc !== undefined && (field as { delimitedEncoding?: boolean }).delimitedEncoding === true) return null;
  if (scalar !== undefined) {
    const kind = scalarKinds.get(scalar);
    if (kind === undefined) return null;
    const zero = kind === "bool" ? "false" : kind === "string" ? '""' : kind.endsWith("64") ? '"0"' : "0";
    return { key, kind, repeated, absent: repeated ? "[]" : implicit ? zero : undefined };
  }
  if (enumDesc !== undefined) {
    const enumNames = enumNamesOf(enumDesc);
    if (enumNames === null) return null;
    const zero = enumNames.get(0);
    return { key, kind: "enum", repeated, enumNames, absent: repeated ? "[]" : implicit && zero !== undefined ? zero : undefined };
  }
  if (messageDesc === undefined) return null;
  if (messageDesc.typeName === "google.protobuf.Timestamp") return { key, kind: "timestamp", repeated, absent: repeated ? "[]" : undefined };
  // Other well-known types have JSON forms of their own (Empty's is the plain {}).
  if (messageDesc.typeName.startsWith("google.protobuf.") && messageDesc.typeName !== "google.protobuf.Empty") return null;
  const message = planOf(messageDesc);
  if (message === null) return null;
  return { key, kind: "message", repeated, message, absent: repeated ? "[]" : undefined };
}

function enumNamesOf(desc: DescEnum): Map<number, string> | null {
  if (desc.typeName === "google.protobuf.NullValue" || !desc.open) return null;
  return new Map(desc.values.map((value) => [value.number, JSON.stringify(value.jsonName)]));
}

/** Where the one pass is: the bytes, the position, and the last varint read (lo and hi 32 bits). */
interface Cursor {
  buf: Uint8Array;
  pos: number;
  lo: number;
  hi: number;
}

// As protobuf-es decodes proto3 strings: invalid UTF-8 is an error (the decoder then
// reports it), and a leading U+FEFF is text, not a byte-order mark.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
const TWO_32 = 4294967296;

/** Reads a varint into cur.lo and cur.hi (unsigned 32-bit halves); throws past the end or over 10 bytes. */
function varint(cur: Cursor): void {
  const { buf } = cur;
  let lo = 0;
  let hi = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    const b = buf[cur.pos++];
    if (b === undefined) throw new RangeError("truncated varint");
    lo |= (b & 0x7f) << shift;
    if (b < 0x80) {
      cur.lo = lo >>> 0;
      cur.hi = 0;
      return;
    }
  }
  let b = buf[cur.pos++];
  if (b === undefined) throw new RangeError("truncated varint");
  lo |= (b & 0x0f) << 28;
  hi = (b & 0x7f) >> 4;
  if (b >= 0x80) {
    for (let shift = 3; ; shift += 7) {
      b = buf[cur.pos++];
      if (b === undefined || shift > 31) throw new RangeError("bad varint");
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) break;
    }
  }
  cur.lo = lo >>> 0;
  cur.hi = hi >>> 0;
}

function int64Text(cur: Cursor, kind: "int64" | "uint64" | "sint64"): string {
  const { lo, hi } = cur;
  if (kind === "sint64") {
    const zigzag = (BigInt(hi) << 32n) | BigInt(lo);
    return `"${(zigzag >> 1n) ^ -(zigzag & 1n)}"`;
  }
  if (hi === 0) return `"${lo}"`;
  const value = (BigInt(hi) << 32n) | BigInt(lo);
  return `"${kind === "int64" ? BigInt.asIntN(64, value) : value}"`;
}

/** A string field as JSON: short ASCII without escapes is copied as is, anything else decoded and quoted. */
function stringJson(cur: Cursor, end: number): string {
  const { buf } = cur;
  const start = cur.pos;
  cur.pos = end;
  if (end - start <= 64) {
    let text = "";
    let i = start;
    for (; i < end; i++) {
      const b = buf[i]!;
      if (b >= 0x80 || b < 0x20 || b === 0x22 || b === 0x5c) break;
      text += String.fromCharCode(b);
    }
    if (i === end) return `"${text}"`;
  }
  return JSON.stringify(utf8.decode(buf.subarray(start, end)));
}

/** The end of a length-delimited field starting at cur.pos; throws when it runs past `limit`. */
function delimitedEnd(cur: Cursor, limit: number): number {
  varint(cur);
  const end = cur.pos + cur.lo;
  if (cur.hi !== 0 || end > limit) throw new RangeError("field runs past its message");
  return end;
}

function skipField(cur: Cursor, wireType: number, limit: number): void {
  if (wireType === WireType.Varint) varint(cur);
  else if (wireType === WireType.Bit64) cur.pos += 8;
  else if (wireType === WireType.LengthDelimited) cur.pos = delimitedEnd(cur, limit);
  else if (wireType === WireType.Bit32) cur.pos += 4;
  // Groups: gone from proto3 and editions' default encoding; the decoder takes them.
  else throw new RangeError("group or unknown wire type");
  if (cur.pos > limit) throw new RangeError("field runs past its message");
}

function readMessage(plan: MessagePlan, cur: Cursor, end: number): string | typeof BAIL {
  const values: (string | string[] | undefined)[] = new Array(plan.fields.length);
  while (cur.pos < end) {
    varint(cur);
    const number = cur.lo >>> 3;
    const wireType = cur.lo & 7;
    const index = plan.byNumber.get(number);
    if (index === undefined) {
      skipField(cur, wireType, end);
      continue;
    }
    const field = plan.fields[index]!;
    if (field.repeated && wireType === WireType.LengthDelimited && isPackable(field.kind)) {
      const packedEnd = delimitedEnd(cur, end);
      const list = (values[index] ??= []) as string[];
      while (cur.pos < packedEnd) {
        const value = readValue(field, cur, packedEnd);
        if (value === BAIL) return BAIL;
        list.push(value);
      }
      if (cur.pos !== packedEnd) return BAIL;
      continue;
    }
    if (wireType !== wireTypeOf(field.kind)) return BAIL;
    const value = readValue(field, cur, end);
    if (value === BAIL) return BAIL;
    if (field.repeated) ((values[index] ??= []) as string[]).push(value);
    // A second occurrence of a message is merged into the first by protobuf: not written here.
    else if (values[index] !== undefined && (field.kind === "message" || field.kind === "timestamp")) return BAIL;
    else values[index] = value;
  }
  if (cur.pos !== end) return BAIL;
  let json = "{";
  for (let i = 0; i < plan.fields.length; i++) {
    const field = plan.fields[i]!;
    const value = values[i];
    const text = value === undefined ? field.absent : typeof value === "string" ? value : `[${value.join(",")}]`;
    if (text === undefined) continue;
    json += json.length === 1 ? field.key + text : `,${field.key}${text}`;
  }
  return `${json}}`;
}

function isPackable(kind: Kind): boolean {
  return kind !== "string" && kind !== "message" && kind !== "timestamp";
}

function wireTypeOf(kind: Kind): WireType {
  return isPackable(kind) ? WireType.Varint : WireType.LengthDelimited;
}

function readValue(field: FieldPlan, cur: Cursor, limit: number): string | typeof BAIL {
  if (field.kind === "string") return stringJson(cur, delimitedEnd(cur, limit));
  if (field.kind === "message") return readMessage(field.message!, cur, delimitedEnd(cur, limit));
  if (field.kind === "timestamp") return readTimestamp(cur, delimitedEnd(cur, limit));
  varint(cur);
  if (cur.pos > limit) throw new RangeError("varint runs past its message");
  switch (field.kind) {
    case "int32":
      return String(cur.lo | 0);
    case "uint32":
      return String(cur.lo);
    case "sint32":
      return String((cur.lo >>> 1) ^ -(cur.lo & 1));
    case "bool":
      return cur.lo !== 0 || cur.hi !== 0 ? "true" : "false";
    case "enum":
      return field.enumNames!.get(cur.lo | 0) ?? BAIL;
    default:
      return int64Text(cur, field.kind);
  }
}

// protobuf-es's range for Timestamp JSON: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const timestampSecondsMin = Date.parse("0001-01-01T00:00:00Z") / 1000;
const timestampSecondsMax = Date.parse("9999-12-31T23:59:59Z") / 1000;

function readTimestamp(cur: Cursor, end: number): string | typeof BAIL {
  let seconds = 0;
  let nanos = 0;
  while (cur.pos < end) {
    varint(cur);
    const number = cur.lo >>> 3;
    const wireType = cur.lo & 7;
    if ((number === 1 || number === 2) && wireType !== WireType.Varint) return BAIL;
    if (number === 1) {
      varint(cur);
      seconds = (cur.hi | 0) * TWO_32 + cur.lo;
    } else if (number === 2) {
      varint(cur);
      nanos = cur.lo | 0;
    } else skipField(cur, wireType, end);
  }
  if (cur.pos !== end) return BAIL;
  if (seconds < timestampSecondsMin || seconds > timestampSecondsMax || nanos < 0 || nanos > 999_999_999) return BAIL;
  let fraction = "Z";
  if (nanos > 0) {
    const digits = String(nanos + 1_000_000_000).slice(1);
    fraction = digits.endsWith("000000") ? `.${digits.slice(0, 3)}Z` : digits.endsWith("000") ? `.${digits.slice(0, 6)}Z` : `.${digits}Z`;
  }
  return `"${utcDateTime(seconds)}${fraction}"`;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * "YYYY-MM-DDTHH:MM:SS" of seconds since the epoch, years 1–9999, by integer arithmetic
 * (days to civil date as in Howard Hinnant's chrono algorithms) instead of a Date and
 * toISOString per timestamp.
 */
export function utcDateTime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const secondOfDay = seconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  const second = secondOfDay % 60;
  return `${String(year).padStart(4, "0")}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(second)}`;
}
