import { create, createFileRegistry, setExtension, type FileRegistry, type MessageInitShape } from "@bufbuild/protobuf";
import {
  DescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  file_google_protobuf_duration,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
  MessageOptionsSchema,
  OneofDescriptorProtoSchema,
  OneofOptionsSchema,
  type DescriptorProto,
  type FieldDescriptorProto,
} from "@bufbuild/protobuf/wkt";
import {
  field as fieldRulesExtension,
  FieldRulesSchema,
  message as messageRulesExtension,
  MessageRulesSchema,
  oneof as oneofRulesExtension,
  OneofRulesSchema,
} from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";

// Test-only .proto files for the validation tests, written as descriptors: field,
// oneof and message rules, wrappers, maps and proto3 `optional` — what the shared
// proto-builder does not cover (oneof and message options).

export { Type };

export interface VField {
  /** Scalar type; or `message` / `enum` (full names, ".pkg.Name"). */
  type?: Type;
  message?: string;
  enum?: string;
  repeated?: boolean;
  /** proto3 `optional`: explicit presence. */
  optional?: boolean;
  /** Index into the message's `oneofs`. */
  oneof?: number;
  /** Makes it a map<mapKey, value>, the value being `type`/`message`/`enum`. */
  mapKey?: Type;
  rules?: MessageInitShape<typeof FieldRulesSchema>;
}

export interface VMessage {
  fields: Record<string, [number, VField]>;
  /** Real oneofs; `required` sets (buf.validate.oneof).required. */
  oneofs?: { name: string; required?: boolean }[];
  rules?: MessageInitShape<typeof MessageRulesSchema>;
}

export interface VFile {
  package: string;
  enums?: Record<string, string[]>;
  messages: Record<string, VMessage>;
}

/** Builds a proto3 file from the spec and loads it (with the WKTs it may use) into a registry. */
export function buildValidationFile(spec: VFile): FileRegistry {
  const wkt = [file_google_protobuf_wrappers, file_google_protobuf_timestamp, file_google_protobuf_duration];
  const file = create(FileDescriptorProtoSchema, {
    name: `${spec.package.replaceAll(".", "/")}/test.proto`,
    package: spec.package,
    syntax: "proto3",
    dependency: wkt.map((f) => `${f.name}.proto`),
    enumType: Object.entries(spec.enums ?? {}).map(([name, values]) => ({
      name,
      value: values.map((v, number) => ({ name: v, number })),
    })),
    messageType: Object.entries(spec.messages).map(([name, m]) => messageProto(`.${spec.package}.${name}`, name, m)),
  });
  return createFileRegistry(file, (name) => wkt.find((f) => `${f.name}.proto` === name));
}

function messageProto(fullName: string, name: string, spec: VMessage): DescriptorProto {
  const message = create(DescriptorProtoSchema, {
    name,
    oneofDecl: (spec.oneofs ?? []).map((o) => {
      const options = create(OneofOptionsSchema);
      if (o.required) setExtension(options, oneofRulesExtension, create(OneofRulesSchema, { required: true }));
      return { name: o.name, options };
    }),
  });
  if (spec.rules !== undefined) {
    const options = create(MessageOptionsSchema);
    setExtension(options, messageRulesExtension, create(MessageRulesSchema, spec.rules));
    message.options = options;
  }
  const synthetic: string[] = [];
  for (const [fieldName, [number, f]] of Object.entries(spec.fields)) {
    const field = fieldProto(fieldName, number, f);
    if (f.mapKey !== undefined) {
      const entry = `${fieldName.replace(/(?:^|_)(\w)/g, (_, c: string) => c.toUpperCase())}Entry`;
      message.nestedType.push(
        create(DescriptorProtoSchema, {
          name: entry,
          field: [fieldProto("key", 1, { type: f.mapKey }), fieldProto("value", 2, { ...f, mapKey: undefined, rules: undefined })],
          options: { mapEntry: true },
        }),
      );
      Object.assign(field, { label: Label.REPEATED, type: Type.MESSAGE, typeName: `${fullName}.${entry}` });
    }
    if (f.optional) synthetic.push(fieldName);
    message.field.push(field);
  }
  // proto3 `optional` fields each get a synthetic oneof, declared after the real ones.
  for (const fieldName of synthetic) {
    const field = message.field.find((x) => x.name === fieldName)!;
    field.proto3Optional = true;
    field.oneofIndex = message.oneofDecl.length;
    message.oneofDecl.push(create(OneofDescriptorProtoSchema, { name: `_${fieldName}` }));
  }
  return message;
}

function fieldProto(name: string, number: number, f: VField): FieldDescriptorProto {
  const field = create(FieldDescriptorProtoSchema, {
    name,
    number,
    jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
    label: f.repeated ? Label.REPEATED : Label.OPTIONAL,
    ...(f.message !== undefined
      ? { type: Type.MESSAGE, typeName: f.message }
      : f.enum !== undefined
        ? { type: Type.ENUM, typeName: f.enum }
        : { type: f.type ?? Type.STRING }),
    ...(f.oneof === undefined ? {} : { oneofIndex: f.oneof }),
  });
  if (f.rules !== undefined) {
    const options = create(FieldOptionsSchema);
    setExtension(options, fieldRulesExtension, create(FieldRulesSchema, f.rules));
    field.options = options;
  }
  return field;
}
