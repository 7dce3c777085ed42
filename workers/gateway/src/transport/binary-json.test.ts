import { create, fromBinary, toBinary, toJson, type DescMessage, type Message } from "@bufbuild/protobuf";
import { reflect, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { OrderSchema, OrderStatus } from "@grpc-edge/proto/orders/v1";
import { GetAllUsersResponseSchema, GetUserResponseSchema } from "@grpc-edge/proto/user/v1";
import { describe, expect, it } from "vitest";
import { publishedServices } from "../routing/published-services.ts";
import { binaryJsonWriter, utcDateTime } from "./binary-json.ts";
import { httpBindings } from "../transcoding/http-bindings.ts";

/** What the gateway answered before: the decoded message through protobuf-es. */
const reference = (schema: DescMessage, message: Message) => JSON.stringify(toJson(schema, message, { alwaysEmitImplicit: true }));

/** A small deterministic PRNG, so a failure names a seed that reproduces it. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const strings = ["", "a", "\uFEFFbom first", "x".repeat(70), "ü".repeat(40), "Zoë", "quote \" back\\slash", "tab\tnew\nline", "\u0000\u001f", "emoji 🎉", "</script>"];

/** Fills some fields of `message` with random values of their kinds (and leaves others unset). */
function fill(message: ReflectMessage, random: () => number, depth: number): void {
  for (const field of message.fields) {
    if (random() < 0.25) continue;
    const scalarOf = (kind: "scalar" | "enum") => {
      if (kind === "enum" && field.fieldKind !== "map") {
        const values = (field as { enum: { values: { number: number }[] } }).enum.values;
        return values[Math.floor(random() * values.length)]!.number;
      }
      const pick = random();
      return pick < 0.3 ? 0 : Math.floor((random() - 0.5) * 2 ** 31);
    };
    switch (field.fieldKind) {
      case "scalar": {
        const type = field.scalar;
        if (type === 9) message.set(field, strings[Math.floor(random() * strings.length)]!);
        else if (type === 8) message.set(field, random() < 0.5);
        else if (type === 3 || type === 4 || type === 18) message.set(field, BigInt(Math.floor(random() * 2 ** 40)) * (type === 4 ? 1n : random() < 0.5 ? -1n : 1n));
        else if (type === 13) message.set(field, Math.floor(random() * 2 ** 32));
        else if (type === 5 || type === 17) message.set(field, scalarOf("scalar"));
        break;
      }
      case "enum":
        message.set(field, scalarOf("enum"));
        break;
      case "message": {
        if (depth > 3) break;
        const child = reflect(field.message);
        if (field.message.typeName === "google.protobuf.Timestamp") {
          child.set(field.message.fields[0]!, BigInt(Math.floor(random() * 4e9)));
          child.set(field.message.fields[1]!, [0, 1_000_000, 123_000, 5, 999_999_999][Math.floor(random() * 5)]!);
        } else fill(child, random, depth + 1);
        message.set(field, child);
        break;
      }
      case "list": {
        const list = message.get(field);
        const n = Math.floor(random() * 4);
        for (let i = 0; i < n; i++) {
          if (field.listKind === "message") {
            if (depth > 3) break;
            const child = reflect(field.message);
            fill(child, random, depth + 1);
            list.add(child);
          } else if (field.listKind === "enum") list.add(field.enum.values[0]!.number);
          else if (field.scalar === 9) list.add(strings[i % strings.length]!);
          else if (field.scalar === 5) list.add(Math.floor((random() - 0.5) * 1000));
        }
        break;
      }
      default:
        break;
    }
  }
}

// A read_mask / update_mask (google.protobuf.FieldMask, JSON "a,b") or a map: none is a REST answer.
const UNWRITTEN = ["user.v1.GetUserRequest", "user.v1.GetAllUsersRequest", "user.v1.UpdateUserRequest", "orders.v1.OrdersByUserIdsResponse"];
const messageTypes = [...new Set(publishedServices.flatMap((service) => service.methods.flatMap((m) => [m.input, m.output])))];

describe("binaryJsonWriter", () => {
  it("writes the response of every REST binding", () => {
    for (const { method } of httpBindings(publishedServices)) expect(binaryJsonWriter(method.output), method.output.typeName).toBeDefined();
  });

  it("has no writer for types with fields it does not write (those answers go through toJson)", () => {
    expect(messageTypes.filter((t) => binaryJsonWriter(t) === undefined).map((t) => t.typeName)).toEqual(UNWRITTEN);
  });

  const written = messageTypes.filter((t) => binaryJsonWriter(t) !== undefined);
  it.each(written.map((schema) => [schema.typeName, schema] as const))("%s: the same text as toJson + JSON.stringify, for 200 random messages", (_, schema) => {
    const writer = binaryJsonWriter(schema)!;
    for (let seed = 1; seed <= 200; seed++) {
      const message = reflect(schema);
      fill(message, prng(seed), 0);
      expect(writer(toBinary(schema, message.message)), `seed ${seed}`).toBe(reference(schema, message.message));
    }
  });

  it("writes dates like toISOString over the whole range Timestamp JSON allows", () => {
    const random = prng(7);
    const samples = [-62_135_596_800, 253_402_300_799, 0, -1, 951_782_400, 951_868_799, 4_107_542_400, -2_208_988_800];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(-62_135_596_800 + random() * (253_402_300_799 + 62_135_596_800)));
    for (const seconds of samples) expect(utcDateTime(seconds), String(seconds)).toBe(new Date(seconds * 1000).toISOString().slice(0, 19));
  });

  const order = create(OrderSchema, { id: 5, userId: 2, item: { id: 3, name: "Hammer" }, amount: 1, status: OrderStatus.CANCELLED, orderDate: { seconds: 1_767_225_600n, nanos: 120_000_000 } });

  it("writes a user with orders exactly as before", () => {
    const schema = GetUserResponseSchema;
    const message = create(schema, { user: { id: 2, firstName: "Ann", lastName: "Lee", email: "ann@example.com", orders: [order, order], orderCount: 2 } });
    expect(binaryJsonWriter(schema)!(toBinary(schema, message))).toBe(reference(schema, message));
  });

  it.each([
    ["unknown fields are skipped", (w: BinaryWriter) => w.tag(99, WireType.LengthDelimited).string("future").tag(1, WireType.Varint).int32(5), '"id":5'],
    ["an explicit zero is written like an absent field", (w: BinaryWriter) => w.tag(1, WireType.Varint).int32(0), '"id":0'],
    ["fields out of order come out in field-number order", (w: BinaryWriter) => w.tag(5, WireType.Varint).int32(9).tag(1, WireType.Varint).int32(4), '{"id":4,'],
    ["the last of a repeated singular scalar wins", (w: BinaryWriter) => w.tag(1, WireType.Varint).int32(1).tag(1, WireType.Varint).int32(2), '"id":2'],
  ])("%s", (_, write, expected) => {
    const bytes = write(new BinaryWriter()).finish();
    const json = binaryJsonWriter(OrderSchema)!(bytes);
    expect(json).toContain(expected);
    expect(json).toBe(reference(OrderSchema, fromBinary(OrderSchema, bytes)));
  });

  it("reads a packed and an unpacked repeated field alike", () => {
    const schema = GetAllUsersResponseSchema;
    const user = (id: number) => toBinary(GetUserResponseSchema.fields[0]!.message!, create(GetUserResponseSchema.fields[0]!.message!, { id }));
    const bytes = new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(user(1)).tag(2, WireType.LengthDelimited).string("n").tag(1, WireType.LengthDelimited).bytes(user(2)).finish();
    expect(binaryJsonWriter(schema)!(bytes)).toContain('"users":[{"id":1,');
  });

  it.each([
    ["a singular message sent twice (protobuf merges them)", new BinaryWriter().tag(3, WireType.LengthDelimited).bytes(new Uint8Array([8, 1])).tag(3, WireType.LengthDelimited).bytes(new Uint8Array([18, 1, 120])).finish()],
    ["an enum value the schema does not name", new BinaryWriter().tag(6, WireType.Varint).int32(77).finish()],
    ["a wire type that does not match the field", new BinaryWriter().tag(1, WireType.LengthDelimited).string("x").finish()],
    ["a truncated message", toBinary(OrderSchema, order).subarray(0, 9)],
    ["a string that is not UTF-8 (protobuf-es refuses it)", new BinaryWriter().tag(3, WireType.LengthDelimited).bytes(new BinaryWriter().tag(2, WireType.LengthDelimited).bytes(new Uint8Array([0x61, 0xc3, 0x28])).finish()).finish()],
    ["a timestamp out of JSON's range", new BinaryWriter().tag(4, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.Varint).int64(-62_135_596_801n).finish()).finish()],
  ])("leaves %s to the decoder: undefined", (_, bytes) => {
    expect(binaryJsonWriter(OrderSchema)!(bytes)).toBeUndefined();
  });
});
