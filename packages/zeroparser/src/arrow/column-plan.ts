import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Struct,
  TimestampMicrosecond,
  Uint32,
  Uint64,
  Utf8,
} from 'apache-arrow';
import type { FieldModel, MessageModel, ScalarKind } from '../descriptor/model.js';
import { SchemaError } from '../errors.js';
import type { TableField, TableStruct, TableType } from '../options.js';

/**
 * How a scalar column keeps its values while a batch is decoded. 32-bit kinds keep one Int32 word per row,
 * 64-bit kinds two (low, high), so the decoder stores raw wire bits and never converts numbers; `bool` is a
 * bitmap; `bytes` keeps (record, start, length) triples into the input until the batch is built.
 */
export type Storage = 'w32' | 'w64' | 'bool' | 'bytes';

/** A row space: the top-level records, or the elements of one list or map column. */
export interface RowGroup {
  readonly id: number;
  /** Every column whose rows are this group's rows (a struct's children share its group). */
  readonly columns: ColumnPlan[];
}

interface ColumnBase {
  readonly id: number;
  readonly field: Field;
  readonly group: RowGroup;
  /** The field path, for error messages (`aperture.mag`). */
  readonly path: string;
}

/** A leaf column. */
export interface ScalarPlan extends ColumnBase {
  readonly kind: 'scalar';
  readonly model: FieldModel;
  readonly scalar: ScalarKind;
  readonly storage: Storage;
  /** Values a narrow table column (`short`, `byte`) can hold: checked while decoding (`OUT_OF_RANGE`). */
  readonly range: readonly [number, number] | undefined;
}

/** A nested message: its children live in the same row group. */
export interface StructPlan extends ColumnBase {
  readonly kind: 'struct';
  readonly message: MessageModel;
  /** One child per field of `message`, in field order. */
  readonly children: ColumnPlan[];
}

/** A repeated field (`list`) or a map (`map`, whose element is the entries struct). */
export interface ListPlan extends ColumnBase {
  readonly kind: 'list' | 'map';
  readonly element: ColumnPlan;
}

export type ColumnPlan = ScalarPlan | StructPlan | ListPlan;

/** The columns of a parser: a root struct (the record) and every row group, the top one first. */
export interface BatchPlan {
  readonly root: StructPlan;
  readonly groups: RowGroup[];
  readonly columns: ColumnPlan[];
}

const STORAGE: Record<ScalarKind, Storage> = {
  double: 'w64',
  float: 'w32',
  int32: 'w32',
  int64: 'w64',
  uint32: 'w32',
  uint64: 'w64',
  sint32: 'w32',
  sint64: 'w64',
  fixed32: 'w32',
  fixed64: 'w64',
  sfixed32: 'w32',
  sfixed64: 'w64',
  bool: 'bool',
  string: 'bytes',
  bytes: 'bytes',
  enum: 'w32',
};

/**
 * Lays out the Arrow columns of a message. The type mapping (documented in the README): double→Float64,
 * float→Float32, int32/sint32/sfixed32/enum→Int32, int64/sint64/sfixed64→Int64, uint32/fixed32→Uint32,
 * uint64/fixed64→Uint64, bool→Bool, string→Utf8, bytes→Binary, message→Struct, repeated→List<element>,
 * map→Map<entries{key, value}>. With a table schema, int64 under a `timestamp` column → Timestamp(µs, UTC)
 * and int32 under a `date` column → DateDay. Fails with `SchemaError` when nesting exceeds `recursionLimit`
 * or a field does not fit its table column.
 */
export function planColumns(
  message: MessageModel,
  tableSchema: TableStruct | undefined,
  recursionLimit: number,
): BatchPlan {
  const groups: RowGroup[] = [];
  const columns: ColumnPlan[] = [];
  const newGroup = (): RowGroup => {
    const group = { id: groups.length, columns: [] };
    groups.push(group);
    return group;
  };
  const add = <T extends ColumnPlan>(column: T): T => {
    columns.push(column);
    column.group.columns.push(column);
    return column;
  };

  const planStruct = (
    model: MessageModel,
    field: Field | undefined,
    name: string,
    nullable: boolean,
    group: RowGroup,
    path: string,
    table: TableStruct | undefined,
    depth: number,
  ): StructPlan => {
    if (depth > recursionLimit) {
      throw new SchemaError(
        'RECURSION_LIMIT',
        path,
        `messages nest ${depth} deep, past the recursion limit of ${recursionLimit}`,
      );
    }
    const plan = add({
      kind: 'struct',
      id: columns.length,
      field: field!,
      group,
      path,
      message: model,
      children: [],
    } as StructPlan);
    for (const child of model.fields) {
      const childPath = path === '' ? child.name : `${path}.${child.name}`;
      plan.children.push(planField(child, group, childPath, tableField(table, child, childPath), depth));
    }
    const type = new Struct(plan.children.map((c) => c.field));
    (plan as { field: Field }).field = new Field(name, type, nullable);
    return plan;
  };

  const planField = (
    model: FieldModel,
    group: RowGroup,
    path: string,
    table: TableField | undefined,
    depth: number,
  ): ColumnPlan => {
    if (model.cardinality === 'singular')
      return planValue(model, model.name, nullableOf(model), group, path, table?.type, depth);
    const elementGroup = newGroup();
    const list = add({
      kind: model.cardinality === 'map' ? 'map' : 'list',
      id: columns.length,
      group,
      path,
    } as ListPlan);
    let element: ColumnPlan;
    const tableType = table?.type;
    if (model.cardinality === 'map') {
      const { key, value } = model.map!;
      const mapType = typeof tableType === 'object' && tableType.type === 'map' ? tableType : undefined;
      if (tableType !== undefined && !mapType)
        throw misfit(path, tableType, 'a map field needs a map column');
      const entries: MessageModel = { fullName: `${path}.entries`, fields: [key, value] };
      const entryTable: TableStruct | undefined = mapType && {
        type: 'struct',
        fields: [
          { name: 'key', type: mapType.keyType, nullable: false },
          { name: 'value', type: mapType.valueType, nullable: true },
        ],
      };
      element = planStruct(entries, undefined, 'entries', false, elementGroup, path, entryTable, depth + 1);
      (list as { field: Field }).field = new Field(
        model.name,
        new Map_(element.field as Field<Struct>, false),
        false,
      );
    } else {
      const arrayType = typeof tableType === 'object' && tableType.type === 'array' ? tableType : undefined;
      if (tableType !== undefined && !arrayType)
        throw misfit(path, tableType, 'a repeated field needs an array column');
      const elementType = arrayType?.elementType;
      element = planValue(model, 'element', false, elementGroup, `${path}[]`, elementType, depth);
      (list as { field: Field }).field = new Field(model.name, new List(element.field), false);
    }
    (list as { element: ColumnPlan }).element = element;
    return list;
  };

  const planValue = (
    model: FieldModel,
    name: string,
    nullable: boolean,
    group: RowGroup,
    path: string,
    tableType: TableType | undefined,
    depth: number,
  ): ColumnPlan => {
    if (model.kind === 'message') {
      if (tableType !== undefined && !(typeof tableType === 'object' && tableType.type === 'struct')) {
        throw misfit(path, tableType, 'a message field needs a struct column');
      }
      const table = tableType as TableStruct | undefined;
      return planStruct(model.message!, undefined, name, nullable, group, path, table, depth + 1);
    }
    const type =
      tableType === undefined ? arrowType(model.kind) : tableArrowType(model.kind, tableType, path);
    return add({
      kind: 'scalar',
      id: columns.length,
      field: new Field(name, type, nullable),
      group,
      path,
      model,
      scalar: model.kind,
      storage: STORAGE[model.kind],
      range: tableType === 'short' ? [-32768, 32767] : tableType === 'byte' ? [-128, 127] : undefined,
    });
  };

  const top = newGroup();
  const root = planStruct(message, undefined, '', false, top, '', tableSchema, 0);
  return { root, groups, columns };
}

/** Whether a singular field's column admits nulls (see `Presence`). */
function nullableOf(model: FieldModel): boolean {
  if (model.presence === 'required' || model.presence === 'implicit') return false;
  return model.defaultValue === undefined || model.oneof !== undefined;
}

function tableField(table: TableStruct | undefined, field: FieldModel, path: string): TableField | undefined {
  if (!table) return undefined;
  const match =
    table.fields.find((f) => f.name === field.name) ??
    table.fields.find((f) => f.name.toLowerCase() === field.name.toLowerCase());
  if (!match) {
    throw new SchemaError(
      'UNKNOWN_COLUMN',
      path,
      `the table has no column '${field.name}' (columns: ${table.fields.map((f) => f.name).join(', ')})`,
    );
  }
  return match;
}

/**
 * Which protobuf types may fill a table column of each Delta type (the Zerobus conventions: STRING←string,
 * INT/SMALLINT/TINYINT←int32, BIGINT←int64, FLOAT/DOUBLE/BOOLEAN/BINARY←float/double/bool/bytes,
 * DATE←int32 days, TIMESTAMP←int64 µs), plus exact widenings (int32 or uint32 into BIGINT, float into DOUBLE,
 * uint64 into DECIMAL(20,0)).
 */
const COLUMN_FITS: Record<string, readonly ScalarKind[]> = {
  boolean: ['bool'],
  byte: ['int32', 'sint32', 'sfixed32'],
  short: ['int32', 'sint32', 'sfixed32'],
  integer: ['int32', 'sint32', 'sfixed32', 'enum'],
  long: ['int64', 'sint64', 'sfixed64', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32', 'enum'],
  float: ['float'],
  double: ['double', 'float'],
  string: ['string'],
  binary: ['bytes'],
  date: ['int32', 'sint32', 'sfixed32'],
  timestamp: ['int64', 'sint64', 'sfixed64'],
  // How @lakestream/delta stores uint64 (no unsigned types in Delta); it converts exactly.
  'decimal(20,0)': ['uint64', 'fixed64'],
};

/** The Arrow type of a scalar field going to a table column, or `TABLE_SCHEMA_MISMATCH` saying what fits. */
function tableArrowType(kind: ScalarKind, tableType: TableType, path: string): DataType {
  const fits = typeof tableType === 'string' ? COLUMN_FITS[tableType] : undefined;
  if (!fits) {
    const what = typeof tableType === 'string' ? tableType : tableType.type;
    throw misfit(path, tableType, `a ${kind} field cannot fill a ${what} column`);
  }
  if (!fits.includes(kind)) {
    throw misfit(path, tableType, `a ${tableType} column takes ${fits.join(', ')}, not ${kind}`);
  }
  switch (tableType) {
    case 'timestamp':
      return new TimestampMicrosecond('UTC');
    case 'date':
      return new DateDay();
    case 'short':
      return new Int16();
    case 'byte':
      return new Int8();
    default:
      // The field's own type; delta widens it exactly to the column's (int32 → long, float → double).
      return arrowType(kind);
  }
}

function misfit(path: string, tableType: TableType, why: string): SchemaError {
  const column = typeof tableType === 'string' ? tableType : tableType.type;
  return new SchemaError('TABLE_SCHEMA_MISMATCH', path, `the table column is ${column}: ${why}`);
}

/** The Arrow type of a protobuf scalar type, without a table (see `planColumns`). */
function arrowType(kind: ScalarKind): DataType {
  switch (kind) {
    case 'double':
      return new Float64();
    case 'float':
      return new Float32();
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'enum':
      return new Int32();
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return new Int64();
    case 'uint32':
    case 'fixed32':
      return new Uint32();
    case 'uint64':
    case 'fixed64':
      return new Uint64();
    case 'bool':
      return new Bool();
    case 'string':
      return new Utf8();
    case 'bytes':
      return new Binary();
  }
}
