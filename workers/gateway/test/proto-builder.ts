import { create, createFileRegistry, setExtension, type FileRegistry, type MessageInitShape } from "@bufbuild/protobuf";
import {
  DescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FieldDescriptorProtoSchema,
  FieldOptionsSchema,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
  MethodOptionsSchema,
  OneofDescriptorProtoSchema,
  type DescriptorProto,
  type FieldDescriptorProto,

} from "@bufbuild/protobuf/wkt";
import { field as fieldRulesExtension, FieldRulesSchema } from "@bufbuild/protovalidate/gen/buf/validate/validate_pb.js";
import { http } from "@grpc-edge/proto/google/api";
import { HttpRuleSchema } from "@grpc-edge/proto/google/api/http";

// Test-only .proto files written as descriptors, so tests can publish services and
// rules the contract does not have, without touching proto/ or running a compiler.

export { Type };

/** A field: exactly one of `type` (scalar), `message` or `enum` (full names, ".pkg.Name"). */
export interface FieldSpec {
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

export interface MessageSpec {
  fields: Record<string, [number, FieldSpec]>;
  oneofs?: string[];
}

export interface MethodSpec {
  input: string;
  output: string;
  http?: MessageInitShape<typeof HttpRuleSchema>;
}

export interface FileSpec {
  name: string;
  package: string;
  dependencies?: string[];
  enums?: Record<string, string[]>;
  messages: Record<string, MessageSpec>;
  services?: Record<string, Record<string, MethodSpec>>;
}

const wellKnownFiles = [file_google_protobuf_empty, file_google_protobuf_field_mask, file_google_protobuf_timestamp, file_google_protobuf_wrappers];

/** Builds a FileDescriptorProto from a compact spec and loads it into a registry. */
export function buildFile(spec: FileSpec): FileRegistry {
  const file = create(FileDescriptorProtoSchema, {
    name: spec.name,
    package: spec.package,
    syntax: "proto3",
    dependency: spec.dependencies ?? [],
    enumType: Object.entries(spec.enums ?? {}).map(([name, values]) => ({
      name,
      value: values.map((v, number) => ({ name: v, number })),
    })),
    messageType: Object.entries(spec.messages).map(([name, m]) => messageProto(`.${spec.package}.${name}`, name, m)),
    service: Object.entries(spec.services ?? {}).map(([name, methods]) => ({
      name,
      method: Object.entries(methods).map(([methodName, m]) => {
        const options = create(MethodOptionsSchema);
        if (m.http !== undefined) setExtension(options, http, create(HttpRuleSchema, m.http));
        return { name: methodName, inputType: m.input, outputType: m.output, options };
      }),
    })),
  });
  return createFileRegistry(file, (name) => wellKnownFiles.find((f) => `${f.name}.proto` === name));
}

function messageProto(fullName: string, name: string, spec: MessageSpec): DescriptorProto {
  const message = create(DescriptorProtoSchema, { name, oneofDecl: (spec.oneofs ?? []).map((n) => ({ name: n })) });
  const synthetic: string[] = [];
  for (const [fieldName, [number, f]] of Object.entries(spec.fields)) {
    const field = fieldProto(fieldName, number, f);
    if (f.mapKey !== undefined) {
      // A map is a repeated field of a nested MapEntry message.
      const entry = `${fieldName.replace(/(?:^|_)(\w)/g, (_, c: string) => c.toUpperCase())}Entry`;
      message.nestedType.push(
        create(DescriptorProtoSchema, {
          name: entry,
          field: [fieldProto("key", 1, { type: f.mapKey }), fieldProto("value", 2, { ...f, mapKey: undefined, repeated: false })],
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

function fieldProto(name: string, number: number, f: FieldSpec): FieldDescriptorProto {
  const field = create(FieldDescriptorProtoSchema, {
    name,
    number,
    // What protoc writes: lowerCamelCase of the name.
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
