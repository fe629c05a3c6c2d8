import type { DeltaStructType } from '@lakestream/catalog';
import descriptor from 'protobufjs/ext/descriptor.js';
import { type ProtoMessage, protoMessageFromSchema } from './proto-from-schema';

/** `FieldDescriptorProto.Type` of the scalars `protoFromSchema` uses. */
const SCALAR_TYPES: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  bool: 8,
  string: 9,
  bytes: 12,
};
const TYPE_MESSAGE = 11;
const LABELS = { optional: 1, required: 2, repeated: 3 } as const;

/** A field's type and type name: a scalar's number, or a message (fully qualified, as protoc writes it). */
function typeOf(type: string, scope: string): { type: number; typeName?: string } {
  const scalar = SCALAR_TYPES[type];
  return scalar === undefined ? { type: TYPE_MESSAGE, typeName: `${scope}.${type}` } : { type: scalar };
}

/**
 * `message` as protoc describes it: every `type_name` fully qualified (`.Orders.Customer`; the file has no
 * package), a map field a repeated `<Field>Entry` message with `map_entry` set, entries before the nested
 * messages (protoc adds an entry where its field is declared, and our nested messages come after the fields).
 */
function toDescriptorProto(message: ProtoMessage, scope: string): descriptor.IDescriptorProto {
  const fullName = `${scope}.${message.name}`;
  const entries: descriptor.IDescriptorProto[] = [];
  const field = message.fields.map((f): descriptor.IFieldDescriptorProto => {
    if (f.map === undefined) {
      return { name: f.name, number: f.number, label: LABELS[f.label], ...typeOf(f.type, fullName) };
    }
    entries.push({
      name: f.map.entryName,
      field: [
        { name: 'key', number: 1, label: LABELS.optional, ...typeOf(f.map.keyType, fullName) },
        { name: 'value', number: 2, label: LABELS.optional, ...typeOf(f.type, fullName) },
      ],
      options: { mapEntry: true },
    });
    return {
      name: f.name,
      number: f.number,
      label: LABELS.repeated,
      type: TYPE_MESSAGE,
      typeName: `${fullName}.${f.map.entryName}`,
    };
  });
  return {
    name: message.name,
    field,
    nestedType: [...entries, ...message.nested.map((n) => toDescriptorProto(n, fullName))],
  };
}

/**
 * The serialized `google.protobuf.DescriptorProto` of table `tableName`'s record message — what the Zerobus
 * SDKs send as `create_stream.descriptor_proto`: the message `protoFromSchema` renders, with its nested
 * messages inside it, in protoc's form. Throws `ProtoSchemaError` naming the column for a schema without a
 * protobuf form.
 */
export function descriptorFromSchema(tableName: string, schema: DeltaStructType): Uint8Array {
  const message = toDescriptorProto(protoMessageFromSchema(tableName, schema), '');
  return descriptor.DescriptorProto.encode(message).finish();
}

/** The file name of a table's descriptor download: its last name part, `main.sales.orders` → `orders.desc`. */
export function descriptorFileName(tableName: string): string {
  return `${tableName.split('.').at(-1) ?? tableName}.desc`;
}
