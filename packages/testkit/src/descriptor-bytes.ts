import protobuf from 'protobufjs';
import descriptor from 'protobufjs/ext/descriptor.js';

/** A message type with the descriptor encodings a decoder can be built from. */
export interface LoadedSchema {
  /** The protobufjs type, for encoding data and for the protobufjs baseline. */
  readonly type: protobuf.Type;
  /** Fully-qualified message name (`neowise.NeowiseSource`), without the leading dot. */
  readonly messageName: string;
  /** `proto2` or `proto3`, as the .proto text declares it. */
  readonly syntax: 'proto2' | 'proto3';
  /** One serialized `google.protobuf.DescriptorProto` of the message; nested types sit in `nested_type`. */
  readonly descriptorProto: Uint8Array;
  /** A serialized `google.protobuf.FileDescriptorSet` holding the whole file (with its `syntax`). */
  readonly fileDescriptorSet: Uint8Array;
}

/** How the descriptors are written: like protoc (default), or as protobufjs writes them. */
export type DescriptorStyle = 'protoc' | 'protobufjs';

/**
 * Parses .proto text with protobufjs (`keepCase`, so field names stay as written) and serializes the
 * message's descriptors. Style `protoc` (default) rewrites them the way protoc emits them: every `type_name`
 * fully qualified (`.pkg.Outer.Inner`), map entries named `<Field>Entry`, synthetic proto3-optional oneofs
 * after the real ones. Style `protobufjs` keeps protobufjs's output (relative type names, which
 * descriptor.proto allows). Throws when the text does not parse or the message is not in it.
 */
export function loadSchema(
  protoText: string,
  messageName: string,
  style: DescriptorStyle = 'protoc',
): LoadedSchema {
  const root = protobuf.parse(protoText, { keepCase: true }).root;
  // Resolving fixes the per-field features (packed, presence) that toDescriptor reads.
  root.resolveAll();
  const type = root.lookupType(messageName);
  const syntax = /^\s*syntax\s*=\s*["']proto3["']/m.test(protoText) ? 'proto3' : 'proto2';
  const proto = type.toDescriptor(syntax);
  const set = root.toDescriptor(syntax);
  if (style === 'protoc') {
    normalize(proto, type);
    for (const file of set.file) {
      for (const message of file.messageType ?? []) {
        normalize(message, root.lookupType(`${file.package ? `${file.package}.` : ''}${message.name}`));
      }
    }
  }
  return {
    type,
    messageName: type.fullName.slice(1),
    syntax,
    descriptorProto: descriptor.DescriptorProto.encode(proto).finish(),
    fileDescriptorSet: descriptor.FileDescriptorSet.encode(set).finish(),
  };
}

/** Rewrites `proto` (describing `type`) and its nested types into protoc's form, in place. */
function normalize(proto: descriptor.IDescriptorProto, type: protobuf.Type): void {
  const entries = new Map<string, descriptor.IDescriptorProto>();
  for (const nested of proto.nestedType ?? []) {
    if (nested.options?.mapEntry) entries.set(nested.name ?? '', nested);
  }
  for (const field of proto.field ?? []) {
    const name = field.typeName;
    if (!name || name.startsWith('.')) continue;
    const entry = entries.get(name);
    if (entry !== undefined) {
      entry.name = `${camel(field.name ?? '')}Entry`;
      field.typeName = `${type.fullName}.${entry.name}`;
      for (const kv of entry.field ?? []) {
        if (kv.typeName && !kv.typeName.startsWith('.')) kv.typeName = resolve(type, kv.typeName);
      }
    } else {
      field.typeName = resolve(type, name);
    }
  }
  reorderOneofs(proto);
  for (const nested of proto.nestedType ?? []) {
    const child = type.nested?.[nested.name ?? ''];
    if (child instanceof protobuf.Type) normalize(nested, child);
  }
}

/** protoc puts the synthetic oneofs of proto3 `optional` fields after every real oneof. */
function reorderOneofs(proto: descriptor.IDescriptorProto): void {
  const decls = proto.oneofDecl ?? [];
  const fields = proto.field ?? [];
  // Messages made by protobufjs carry field defaults on the prototype: only an own oneofIndex is set.
  const oneofOf = (f: descriptor.IFieldDescriptorProto): number =>
    Object.hasOwn(f, 'oneofIndex') ? (f.oneofIndex ?? -1) : -1;
  const synthetic = decls.map((_, i) => fields.some((f) => oneofOf(f) === i && f.proto3Optional === true));
  const order = [...decls.keys()].sort((a, b) => Number(synthetic[a]) - Number(synthetic[b]) || a - b);
  const newIndex = new Map(order.map((old, i) => [old, i]));
  proto.oneofDecl = order.map((i) => decls[i] as descriptor.IOneofDescriptorProto);
  for (const f of fields) {
    const index = oneofOf(f);
    if (index >= 0) f.oneofIndex = newIndex.get(index) ?? index;
  }
}

function resolve(scope: protobuf.Type, name: string): string {
  const target = scope.lookup(name.split('.'));
  if (target === null) throw new Error(`cannot resolve ${name} from ${scope.fullName}`);
  return target.fullName;
}

/** protoc's map entry name: the field name in CamelCase (`my_tags` → `MyTags`). */
function camel(name: string): string {
  return name.replace(/(?:^|_)([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
