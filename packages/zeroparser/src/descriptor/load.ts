import type {
  IDescriptorProto,
  IEnumDescriptorProto,
  IFieldDescriptorProto,
  IFileDescriptorProto,
  IFileDescriptorSet,
} from 'protobufjs/ext/descriptor.js';
import descriptorTypes from 'protobufjs/ext/descriptor.js';
import { SchemaError } from '../errors.js';
import type { FieldModel, MessageModel, Presence, ScalarKind } from './model.js';

/** What `createParser` accepts: one DescriptorProto, or a FileDescriptorSet and the message to decode. */
export type DescriptorInput = Uint8Array | { fileDescriptorSet: Uint8Array; messageName: string };

type Syntax = 'proto2' | 'proto3' | 'editions';

/** A message or enum declaration with the scope it was declared in. */
interface Declared<T> {
  readonly decl: T;
  readonly syntax: Syntax;
  readonly fullName: string;
}

const TYPE_NAMES: Record<number, ScalarKind | 'message' | 'group'> = {
  1: 'double',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'fixed64',
  7: 'fixed32',
  8: 'bool',
  9: 'string',
  10: 'group',
  11: 'message',
  12: 'bytes',
  13: 'uint32',
  14: 'enum',
  15: 'sfixed32',
  16: 'sfixed64',
  17: 'sint32',
  18: 'sint64',
};
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;
/** editions `FeatureSet.FieldPresence` values. */
const PRESENCE_IMPLICIT = 2;
const PRESENCE_LEGACY_REQUIRED = 3;

/**
 * Decodes a descriptor into a resolved message model.
 *
 * A bare DescriptorProto (what Zerobus `create_stream.descriptor_proto` carries) names no file, package or
 * syntax: its nested types are its whole world, fully-qualified type names are matched by their trailing
 * `Root.Nested` part, and `syntax` decides presence (default proto2). Fails with `SchemaError`:
 * `INVALID_DESCRIPTOR` (bytes that are not a descriptor), `MESSAGE_NOT_FOUND`, `UNRESOLVED_TYPE`,
 * `RECURSIVE_TYPE`, `UNSUPPORTED_FIELD` (groups, extensions are ignored).
 */
export function loadMessageModel(input: DescriptorInput, bareSyntax: 'proto2' | 'proto3'): MessageModel {
  const registry = new Map<string, Declared<IDescriptorProto>>();
  const enums = new Map<string, Declared<IEnumDescriptorProto>>();
  let rootName: string;
  if (input instanceof Uint8Array) {
    const root = decodeOrFail<IDescriptorProto>(
      () => descriptorTypes.DescriptorProto.decode(input),
      'DescriptorProto',
    );
    if (!root.name)
      throw new SchemaError('INVALID_DESCRIPTOR', '', 'the DescriptorProto has no message name');
    register(root, '', bareSyntax, registry, enums);
    rootName = root.name;
  } else {
    const set = decodeOrFail<IFileDescriptorSet>(
      () => descriptorTypes.FileDescriptorSet.decode(input.fileDescriptorSet),
      'FileDescriptorSet',
    );
    for (const file of set.file ?? []) {
      const prefix = file.package ? `${file.package}.` : '';
      for (const message of file.messageType ?? [])
        register(message, prefix, syntaxOf(file), registry, enums);
      for (const e of file.enumType ?? [])
        enums.set(prefix + (e.name ?? ''), {
          decl: e,
          syntax: syntaxOf(file),
          fullName: prefix + (e.name ?? ''),
        });
    }
    rootName = input.messageName.replace(/^\./, '');
    if (!registry.has(rootName)) {
      const known = [...registry.keys()].slice(0, 10).join(', ');
      throw new SchemaError(
        'MESSAGE_NOT_FOUND',
        '',
        `message '${rootName}' is not in the FileDescriptorSet (it has: ${known})`,
      );
    }
  }
  const resolver = new Resolver(registry, enums, input instanceof Uint8Array);
  return resolver.message(rootName, '', []);
}

function decodeOrFail<T>(decode: () => unknown, what: string): T {
  try {
    return decode() as T;
  } catch (cause) {
    throw new SchemaError(
      'INVALID_DESCRIPTOR',
      '',
      `the bytes are not a serialized ${what}: ${(cause as Error).message}`,
    );
  }
}

/**
 * A field the descriptor bytes actually carried: protobufjs puts defaults on the prototype, and a default
 * value or oneof index that was not sent must not count as one.
 */
function own<K extends keyof IFieldDescriptorProto>(
  field: IFieldDescriptorProto,
  key: K,
): NonNullable<IFieldDescriptorProto[K]> | undefined {
  return Object.hasOwn(field, key) ? (field[key] ?? undefined) : undefined;
}

function syntaxOf(file: IFileDescriptorProto): Syntax {
  if (file.syntax === 'proto3') return 'proto3';
  if (file.syntax === 'editions') return 'editions';
  return 'proto2';
}

function register(
  message: IDescriptorProto,
  prefix: string,
  syntax: Syntax,
  registry: Map<string, Declared<IDescriptorProto>>,
  enums: Map<string, Declared<IEnumDescriptorProto>>,
): void {
  const fullName = prefix + (message.name ?? '');
  registry.set(fullName, { decl: message, syntax, fullName });
  for (const nested of message.nestedType ?? []) register(nested, `${fullName}.`, syntax, registry, enums);
  for (const e of message.enumType ?? []) {
    const name = `${fullName}.${e.name ?? ''}`;
    enums.set(name, { decl: e, syntax, fullName: name });
  }
}

class Resolver {
  constructor(
    private readonly messages: Map<string, Declared<IDescriptorProto>>,
    private readonly enums: Map<string, Declared<IEnumDescriptorProto>>,
    /** A bare DescriptorProto: fully-qualified names carry a package we never saw. */
    private readonly bare: boolean,
  ) {}

  message(fullName: string, path: string, stack: readonly string[]): MessageModel {
    if (stack.includes(fullName)) {
      throw new SchemaError(
        'RECURSIVE_TYPE',
        path,
        `message '${fullName}' contains itself (${[...stack, fullName].join(' → ')}); Arrow schemas are finite, so recursive types cannot become columns`,
      );
    }
    const declared = this.messages.get(fullName)!;
    const inner = [...stack, fullName];
    const oneofNames = (declared.decl.oneofDecl ?? []).map((o) => o.name ?? '');
    const fields = (declared.decl.field ?? []).map((field) =>
      this.field(
        field,
        declared,
        oneofNames,
        path === '' ? (field.name ?? '') : `${path}.${field.name ?? ''}`,
        inner,
      ),
    );
    return { fullName, fields };
  }

  private field(
    field: IFieldDescriptorProto,
    owner: Declared<IDescriptorProto>,
    oneofNames: readonly string[],
    path: string,
    stack: readonly string[],
  ): FieldModel {
    const name = field.name ?? '';
    const type = TYPE_NAMES[field.type ?? 0];
    if (type === undefined)
      throw new SchemaError('INVALID_DESCRIPTOR', path, `unknown field type ${field.type}`);
    if (type === 'group') {
      throw new SchemaError(
        'UNSUPPORTED_FIELD',
        path,
        'group fields are not supported; declare a nested message instead',
      );
    }
    if (!field.number || field.number < 1) {
      throw new SchemaError('INVALID_DESCRIPTOR', path, `field number ${field.number} is not positive`);
    }
    const repeated = field.label === LABEL_REPEATED;
    const typeRef =
      type === 'message' || type === 'enum'
        ? this.lookup(field.typeName ?? '', owner.fullName, path, type)
        : undefined;

    if (repeated && type === 'message') {
      const entry = this.messages.get(typeRef!)!;
      if (entry.decl.options?.mapEntry) {
        const entryModel = this.message(typeRef!, path, stack);
        const key = entryModel.fields.find((f) => f.number === 1);
        const value = entryModel.fields.find((f) => f.number === 2);
        if (!key || !value)
          throw new SchemaError('INVALID_DESCRIPTOR', path, 'a map entry needs fields key = 1 and value = 2');
        const implicit = (f: FieldModel): FieldModel => ({
          ...f,
          presence: f.kind === 'message' ? 'explicit' : 'implicit',
          oneof: undefined,
          defaultValue: undefined,
        });
        return base({
          kind: value.kind,
          cardinality: 'map',
          message: value.message,
          map: { key: implicit(key), value: implicit(value) },
        });
      }
    }
    const message = type === 'message' ? this.message(typeRef!, path, stack) : undefined;
    const realOneof =
      own(field, 'oneofIndex') !== undefined && !field.proto3Optional
        ? oneofNames[field.oneofIndex!]
        : undefined;
    return base({
      kind: type,
      cardinality: repeated ? 'repeated' : 'singular',
      message,
      presence: this.presence(field, owner.syntax, type, realOneof),
      defaultValue:
        type === 'enum'
          ? this.enumDefault(own(field, 'defaultValue'), typeRef!, path)
          : own(field, 'defaultValue'),
      oneof: realOneof,
    });

    function base(parts: Partial<FieldModel> & Pick<FieldModel, 'kind' | 'cardinality'>): FieldModel {
      return {
        name,
        number: field.number!,
        presence: 'explicit',
        defaultValue: undefined,
        oneof: undefined,
        message: undefined,
        map: undefined,
        ...parts,
      };
    }
  }

  private presence(
    field: IFieldDescriptorProto,
    syntax: Syntax,
    type: string,
    oneof: string | undefined,
  ): Presence {
    if (field.label === LABEL_REQUIRED) return 'required';
    if (type === 'message' || oneof !== undefined || field.proto3Optional) return 'explicit';
    if (syntax === 'proto3') return 'implicit';
    if (syntax === 'editions') {
      const features = (field.options as { features?: { fieldPresence?: number } } | undefined)?.features;
      if (features?.fieldPresence === PRESENCE_IMPLICIT) return 'implicit';
      if (features?.fieldPresence === PRESENCE_LEGACY_REQUIRED) return 'required';
    }
    return 'explicit';
  }

  private enumDefault(value: string | undefined, enumName: string, path: string): string | undefined {
    if (!value) return undefined;
    const declared = this.enums.get(enumName)!;
    const match = (declared.decl.value ?? []).find((v) => v.name === value);
    if (!match)
      throw new SchemaError(
        'INVALID_DESCRIPTOR',
        path,
        `default '${value}' is not a value of enum '${enumName}'`,
      );
    return String(match.number ?? 0);
  }

  /** Resolves a type reference with protobuf's scoping rules (innermost scope first). */
  private lookup(typeName: string, scope: string, path: string, kind: 'message' | 'enum'): string {
    const table: Map<string, unknown> = kind === 'message' ? this.messages : this.enums;
    if (typeName.startsWith('.')) {
      const qualified = typeName.slice(1);
      if (table.has(qualified)) return qualified;
      if (this.bare) {
        // The bare descriptor's package is unknown: match the longest trailing part we declared.
        const parts = qualified.split('.');
        for (let i = 1; i < parts.length; i++) {
          const candidate = parts.slice(i).join('.');
          if (table.has(candidate)) return candidate;
        }
      }
    } else {
      const scopes = scope.split('.');
      for (let i = scopes.length; i >= 0; i--) {
        const candidate = [...scopes.slice(0, i), typeName].join('.');
        if (table.has(candidate)) return candidate;
      }
    }
    throw new SchemaError(
      'UNRESOLVED_TYPE',
      path,
      `${kind} type '${typeName}' is not declared in the descriptor` +
        (this.bare ? ' (a single DescriptorProto must carry every message it uses in nested_type)' : ''),
    );
  }
}
