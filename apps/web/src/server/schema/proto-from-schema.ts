import type { DeltaStructField, DeltaStructType, DeltaType } from '@lakestream/catalog';
import { unitsOf } from './temporal-units';

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

/** A field of a generated message: `label type name = number;`, or `map<mapKey, type> name = number;`. */
export interface ProtoField {
  readonly name: string;
  /** Column position + 1. */
  readonly number: number;
  /** `repeated` for arrays and maps. */
  readonly label: 'optional' | 'required' | 'repeated';
  /** A scalar protobuf type (`int64`, `string`, …) or the name of a message nested in the field's message. */
  readonly type: string;
  /** For a map: its key's scalar type (the value's type is `type`) and the entry message protoc makes for it. */
  readonly map?: { readonly keyType: string; readonly entryName: string };
  /** The unit of a date or timestamp's integer (`days since 1970-01-01`), rendered as a trailing comment. */
  readonly comment?: string;
}

/** A generated message: its fields in column order and the messages nested in it (for struct columns). */
export interface ProtoMessage {
  readonly name: string;
  readonly fields: readonly ProtoField[];
  readonly nested: readonly ProtoMessage[];
}

/** protoc's name for the entry message of map field `name`: `by_day` → `ByDayEntry`. */
function mapEntryName(name: string): string {
  let out = '';
  let upper = true;
  for (const c of name) {
    if (c === '_') upper = true;
    else {
      out += upper ? c.toUpperCase() : c;
      upper = false;
    }
  }
  return `${out}Entry`;
}

function scalar(type: string, path: string): string {
  const proto = SCALARS[type];
  if (proto === undefined) {
    const hint = type.startsWith('decimal') ? ' (only decimal(20,0), as uint64, has a protobuf form)' : '';
    throw new ProtoSchemaError(`column ${path}: no protobuf type for '${type}'${hint}`);
  }
  return proto;
}

function build(name: string, columns: readonly DeltaStructField[], path: string): ProtoMessage {
  const fields: ProtoField[] = [];
  const nested: ProtoMessage[] = [];
  // Names in this message's scope: its own, its nested messages', and protoc's map entries'.
  const taken = new Set([name]);
  for (const column of columns) {
    if (typeof column.type !== 'string' && column.type.type === 'map') taken.add(mapEntryName(column.name));
  }
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
      const message = build(nestedName(fieldName), type.fields, at);
      nested.push(message);
      return message.name;
    }
    throw new ProtoSchemaError(
      `column ${at}: ${where} cannot be ${type.type === 'array' ? 'an array' : 'a map'} in protobuf (no nested repeated fields); wrap it in a struct`,
    );
  };
  columns.forEach((column, index) => {
    const at = path === '' ? column.name : `${path}.${column.name}`;
    if (!IDENTIFIER.test(column.name)) {
      throw new ProtoSchemaError(
        `column ${at}: '${column.name}' is not a protobuf field name (letters, digits and '_', not starting with a digit)`,
      );
    }
    const number = index + 1; // field numbers follow column position + 1 (spec: type conventions)
    const type = column.type;
    const units = unitsOf(type);
    const comment = units === undefined ? {} : { comment: units };
    if (typeof type !== 'string' && type.type === 'array') {
      const element = valueType(type.elementType, column.name, `${at}.element`, 'an array element');
      fields.push({ name: column.name, number, label: 'repeated', type: element, ...comment });
    } else if (typeof type !== 'string' && type.type === 'map') {
      const key = typeof type.keyType === 'string' ? scalar(type.keyType, `${at}.key`) : undefined;
      if (key === undefined || !MAP_KEYS.has(key)) {
        throw new ProtoSchemaError(
          `column ${at}.key: a protobuf map key must be a string, integer or boolean`,
        );
      }
      const value = valueType(type.valueType, column.name, `${at}.value`, 'a map value');
      fields.push({
        name: column.name,
        number,
        label: 'repeated',
        type: value,
        map: { keyType: key, entryName: mapEntryName(column.name) },
        ...comment,
      });
    } else {
      const proto = valueType(type, column.name, at, 'a column');
      fields.push({
        name: column.name,
        number,
        label: column.nullable ? 'optional' : 'required',
        type: proto,
        ...comment,
      });
    }
  });
  return { name, fields, nested };
}

function render(message: ProtoMessage, indent: string): string[] {
  const inner = `${indent}  `;
  const line = (f: ProtoField) =>
    (f.map === undefined
      ? `${inner}${f.label} ${f.type} ${f.name} = ${f.number};`
      : `${inner}map<${f.map.keyType}, ${f.type}> ${f.name} = ${f.number};`) +
    (f.comment === undefined ? '' : ` // ${f.comment}`);
  return [
    `${indent}message ${message.name} {`,
    ...message.fields.map(line),
    ...message.nested.flatMap((n) => ['', ...render(n, inner)]),
    `${indent}}`,
  ];
}

/**
 * The record message of table `tableName` with schema `schema` under the Zerobus conventions (see
 * `protoFromSchema`), as a model: `protoFromSchema` renders it as text, `descriptorFromSchema` as the
 * DescriptorProto producers send. Throws `ProtoSchemaError` naming the column for a type without a protobuf form.
 */
export function protoMessageFromSchema(tableName: string, schema: DeltaStructType): ProtoMessage {
  const last = tableName.split('.').at(-1) ?? tableName;
  return build(pascal(last), schema.fields, '');
}

/**
 * The proto2 definition of records for table `tableName` with schema `schema`, following the Zerobus
 * conventions: one message named after the table (`main.sales.orders` → `Orders`), fields numbered by column
 * position + 1, nullable columns `optional` and NOT NULL ones `required`, arrays `repeated`, maps `map<K, V>`,
 * structs nested messages (named after their column); a date or timestamp field says its unit in a comment
 * (`int32` days since 1970-01-01, `int64` microseconds since 1970-01-01T00:00:00Z). Throws `ProtoSchemaError` naming the column for a type
 * without a protobuf form: a decimal other than decimal(20,0), an array of arrays or maps, a map with a
 * non-scalar key, a column name that is no protobuf identifier.
 */
export function protoFromSchema(tableName: string, schema: DeltaStructType): string {
  const message = protoMessageFromSchema(tableName, schema);
  return [`syntax = "proto2";`, '', `// Records of table ${tableName}.`, ...render(message, ''), ''].join(
    '\n',
  );
}
