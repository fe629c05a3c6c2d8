import type { DeltaStructField, DeltaStructType, DeltaType } from '@lakestream/catalog';

/** A table schema that has no protobuf form under the Zerobus conventions (the message says which column). */
export class ProtoSchemaError extends Error {
  override readonly name = 'ProtoSchemaError';
  readonly code = 'UNSUPPORTED_TYPE';
}

/** Scalar Delta types → protobuf types, as the Zerobus SDKs' descriptors map them (spec: type conventions). */
const SCALARS: Record<string, string> = {
  string: 'string',
  byte: 'int32',
  short: 'int32',
  integer: 'int32',
  long: 'int64',
  float: 'float',
  double: 'double',
  boolean: 'bool',
  binary: 'bytes',
  date: 'int32', // days since the epoch
  timestamp: 'int64', // µs since the epoch
  'decimal(20,0)': 'uint64', // how uint64 lands in Delta (zeroparser converts exactly)
};

/** Protobuf map keys may be integral or string types only. */
const MAP_KEYS = new Set(['string', 'int32', 'int64', 'uint64', 'bool']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `order_lines` → `OrderLines`. */
function pascal(name: string): string {
  const out = name
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  return /^[A-Za-z]/.test(out) ? out : `M${out}`;
}

interface Message {
  readonly name: string;
  readonly lines: string[];
  readonly nested: Message[];
}

function scalar(type: string, path: string): string {
  const proto = SCALARS[type];
  if (proto === undefined) {
    const hint = type.startsWith('decimal') ? ' (only decimal(20,0), as uint64, has a protobuf form)' : '';
    throw new ProtoSchemaError(`column ${path}: no protobuf type for '${type}'${hint}`);
  }
  return proto;
}

function build(name: string, fields: readonly DeltaStructField[], path: string): Message {
  const message: Message = { name, lines: [], nested: [] };
  const taken = new Set([name]);
  const nestedName = (field: string) => {
    let candidate = pascal(field);
    for (let i = 2; taken.has(candidate); i++) candidate = `${pascal(field)}${i}`;
    taken.add(candidate);
    return candidate;
  };
  /** The protobuf type of a non-repeated value: a scalar, or a nested message for a struct. */
  const valueType = (type: DeltaType, fieldName: string, at: string, where: string): string => {
    if (typeof type === 'string') return scalar(type, at);
    if (type.type === 'struct') {
      const nested = build(nestedName(fieldName), type.fields, at);
      message.nested.push(nested);
      return nested.name;
    }
    throw new ProtoSchemaError(
      `column ${at}: ${where} cannot be ${type.type === 'array' ? 'an array' : 'a map'} in protobuf (no nested repeated fields); wrap it in a struct`,
    );
  };
  fields.forEach((field, index) => {
    const at = path === '' ? field.name : `${path}.${field.name}`;
    if (!IDENTIFIER.test(field.name)) {
      throw new ProtoSchemaError(
        `column ${at}: '${field.name}' is not a protobuf field name (letters, digits and '_', not starting with a digit)`,
      );
    }
    const number = index + 1; // field numbers follow column position + 1 (spec: type conventions)
    const type = field.type;
    if (typeof type !== 'string' && type.type === 'array') {
      const element = valueType(type.elementType, field.name, `${at}.element`, 'an array element');
      message.lines.push(`repeated ${element} ${field.name} = ${number};`);
    } else if (typeof type !== 'string' && type.type === 'map') {
      const key = typeof type.keyType === 'string' ? scalar(type.keyType, `${at}.key`) : undefined;
      if (key === undefined || !MAP_KEYS.has(key)) {
        throw new ProtoSchemaError(
          `column ${at}.key: a protobuf map key must be a string, integer or boolean`,
        );
      }
      const value = valueType(type.valueType, field.name, `${at}.value`, 'a map value');
      message.lines.push(`map<${key}, ${value}> ${field.name} = ${number};`);
    } else {
      const proto = valueType(type, field.name, at, 'a column');
      message.lines.push(`${field.nullable ? 'optional' : 'required'} ${proto} ${field.name} = ${number};`);
    }
  });
  return message;
}

function render(message: Message, indent: string): string[] {
  const inner = `${indent}  `;
  return [
    `${indent}message ${message.name} {`,
    ...message.lines.map((l) => `${inner}${l}`),
    ...message.nested.flatMap((n) => ['', ...render(n, inner)]),
    `${indent}}`,
  ];
}

/**
 * The proto2 definition of records for table `tableName` with schema `schema`, following the Zerobus
 * conventions: one message named after the table (`main.sales.orders` → `Orders`), fields numbered by column
 * position + 1, nullable columns `optional` and NOT NULL ones `required`, arrays `repeated`, maps `map<K, V>`,
 * structs nested messages (named after their column). Throws `ProtoSchemaError` naming the column for a type
 * without a protobuf form: a decimal other than decimal(20,0), an array of arrays or maps, a map with a
 * non-scalar key, a column name that is no protobuf identifier.
 */
export function protoFromSchema(tableName: string, schema: DeltaStructType): string {
  const last = tableName.split('.').at(-1) ?? tableName;
  const message = build(pascal(last), schema.fields, '');
  return [`syntax = "proto2";`, '', `// Records of table ${tableName}.`, ...render(message, ''), ''].join(
    '\n',
  );
}
