import { ScalarType, type DescEnum, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { FeatureSet_FieldPresence } from "@bufbuild/protobuf/wkt";

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

/** A writer for `desc`, or undefined when some field of it has a JSON form this does not write. */
export function binaryJsonWriter(desc: DescMessage): BinaryJsonWriter | undefined {
  const plan = planOf(desc);
  if (plan === null) return undefined;
  return (bytes) => {
    try {
      const reader = new BinaryReader(bytes);
      const json = readMessage(plan, reader, bytes.byteLength);
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
  const implicit = field.presence === FeatureSet_FieldPresence.IMPLICIT;
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

function readMessage(plan: MessagePlan, reader: BinaryReader, end: number): string | typeof BAIL {
  const values: (string | string[] | undefined)[] = new Array(plan.fields.length);
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    const index = plan.byNumber.get(number);
    if (index === undefined) {
      reader.skip(wireType, number);
      continue;
    }
    const field = plan.fields[index]!;
    if (field.repeated && wireType === WireType.LengthDelimited && isPackable(field.kind)) {
      const packedEnd = reader.uint32() + reader.pos;
      const list = (values[index] ??= []) as string[];
      while (reader.pos < packedEnd) {
        const value = readValue(field, reader);
        if (value === BAIL) return BAIL;
        list.push(value);
      }
      continue;
    }
    if (wireType !== wireTypeOf(field.kind)) return BAIL;
    const value = readValue(field, reader);
    if (value === BAIL) return BAIL;
    if (field.repeated) ((values[index] ??= []) as string[]).push(value);
    // A second occurrence of a message is merged into the first by protobuf: not written here.
    else if (values[index] !== undefined && (field.kind === "message" || field.kind === "timestamp")) return BAIL;
    else values[index] = value;
  }
  if (reader.pos !== end) return BAIL;
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

function readValue(field: FieldPlan, reader: BinaryReader): string | typeof BAIL {
  switch (field.kind) {
    case "int32":
      return String(reader.int32());
    case "uint32":
      return String(reader.uint32());
    case "sint32":
      return String(reader.sint32());
    case "int64":
      return `"${reader.int64()}"`;
    case "uint64":
      return `"${reader.uint64()}"`;
    case "sint64":
      return `"${reader.sint64()}"`;
    case "bool":
      return reader.bool() ? "true" : "false";
    case "string":
      return JSON.stringify(reader.string());
    case "enum":
      return field.enumNames!.get(reader.int32()) ?? BAIL;
    case "message":
      return readMessage(field.message!, reader, reader.uint32() + reader.pos);
    case "timestamp":
      return readTimestamp(reader, reader.uint32() + reader.pos);
  }
}

// protobuf-es's range for Timestamp JSON: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
const timestampMsMin = Date.parse("0001-01-01T00:00:00Z");
const timestampMsMax = Date.parse("9999-12-31T23:59:59Z");

function readTimestamp(reader: BinaryReader, end: number): string | typeof BAIL {
  let seconds = 0;
  let nanos = 0;
  while (reader.pos < end) {
    const [number, wireType] = reader.tag();
    if (number === 1 && wireType === WireType.Varint) seconds = Number(reader.int64());
    else if (number === 2 && wireType === WireType.Varint) nanos = reader.int32();
    else if (number === 1 || number === 2) return BAIL;
    else reader.skip(wireType, number);
  }
  if (reader.pos !== end) return BAIL;
  const ms = seconds * 1000;
  if (ms < timestampMsMin || ms > timestampMsMax || nanos < 0 || nanos > 999_999_999) return BAIL;
  let fraction = "Z";
  if (nanos > 0) {
    const digits = String(nanos + 1_000_000_000).slice(1);
    fraction = digits.endsWith("000000") ? `.${digits.slice(0, 3)}Z` : digits.endsWith("000") ? `.${digits.slice(0, 6)}Z` : `.${digits}Z`;
  }
  return `"${new Date(ms).toISOString().replace(".000Z", fraction)}"`;
}
