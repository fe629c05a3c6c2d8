import {
  Binary,
  Bool,
  type DataType,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  List,
  Map_,
  Schema,
  Struct,
  TimestampMicrosecond,
  TimeUnit,
  Type,
  Utf8,
} from 'apache-arrow';
import { DeltaError } from '../errors.js';
import {
  type DeltaSchema,
  type DeltaStructField,
  type DeltaStructType,
  type DeltaType,
  parseDecimalType,
} from './delta-schema.js';

/** Name of the Arrow child field of lists this library writes (Parquet's LIST convention). */
export const LIST_ELEMENT = 'element';
/** Name of the Arrow entries field of maps this library writes (Parquet's MAP convention). */
export const MAP_ENTRIES = 'key_value';

/**
 * The Arrow type a Delta type is written and read as (spec table in "schemaString"): timestamps are
 * `Timestamp(MICROSECOND, "UTC")` (so Parquet gets isAdjustedToUTC=true), decimals are 128-bit, lists have an
 * `element` child, maps a `key_value` struct of non-null `key` and `value`. `timestamp_ntz` is refused with
 * `UNSUPPORTED_FEATURE` (it needs the timestampNtz table feature).
 */
export function toArrowType(type: DeltaType, path = ''): DataType {
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return new Utf8();
      case 'long':
        return new Int64();
      case 'integer':
        return new Int32();
      case 'short':
        return new Int16();
      case 'byte':
        return new Int8();
      case 'float':
        return new Float32();
      case 'double':
        return new Float64();
      case 'boolean':
        return new Bool();
      case 'binary':
        return new Binary();
      case 'date':
        return new DateDay();
      case 'timestamp':
        return new TimestampMicrosecond('UTC');
      case 'timestamp_ntz':
        throw new DeltaError(
          'UNSUPPORTED_FEATURE',
          `column ${path} is timestamp_ntz, which needs the timestampNtz table feature; use timestamp (UTC)`,
        );
    }
    const dec = parseDecimalType(type);
    if (dec !== undefined) return new Decimal(dec.scale, dec.precision, 128);
    throw new DeltaError('INVALID_ARGUMENT', `column ${path} has unknown Delta type "${type}"`);
  }
  switch (type.type) {
    case 'struct':
      return new Struct(toArrowFields(type, path));
    case 'array':
      return new List(
        new Field(LIST_ELEMENT, toArrowType(type.elementType, `${path}.element`), type.containsNull),
      );
    case 'map':
      return new Map_(
        new Field(
          MAP_ENTRIES,
          new Struct<{ key: DataType; value: DataType }>([
            new Field('key', toArrowType(type.keyType, `${path}.key`), false),
            new Field('value', toArrowType(type.valueType, `${path}.value`), type.valueContainsNull),
          ]),
          false,
        ),
        false,
      );
  }
}

function toArrowFields(struct: DeltaStructType, path: string): Field[] {
  return struct.fields.map(
    (f) => new Field(f.name, toArrowType(f.type, path ? `${path}.${f.name}` : f.name), f.nullable),
  );
}

/** The Arrow schema of a Delta table schema; see {@link toArrowType} for the mapping. */
export function toArrowSchema(schema: DeltaSchema): Schema {
  return new Schema(toArrowFields(schema, ''));
}

/**
 * The Delta type for an Arrow type. Widening where Delta has no unsigned types: Uint8→short, Uint16→integer,
 * Uint32→long, Uint64→decimal(20,0) (exact: every uint64 fits). Timestamps of any unit with a time zone become
 * `timestamp` (stored as UTC micros); a timestamp without a zone is refused (`UNSUPPORTED_FEATURE`, it would be
 * timestamp_ntz). Other types (durations, unions, large lists, …) throw `SCHEMA_MISMATCH` naming the column.
 */
export function fromArrowType(type: DataType, path = ''): DeltaType {
  switch (type.typeId) {
    case Type.Bool:
      return 'boolean';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'string';
    case Type.Binary:
    case Type.LargeBinary:
      return 'binary';
    case Type.Float: {
      const precision = (type as Float32 | Float64).precision;
      if (precision === 1) return 'float';
      if (precision === 2) return 'double';
      break;
    }
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int32;
      if (isSigned) return ({ 8: 'byte', 16: 'short', 32: 'integer', 64: 'long' } as const)[bitWidth];
      return ({ 8: 'short', 16: 'integer', 32: 'long', 64: 'decimal(20,0)' } as const)[bitWidth];
    }
    case Type.Decimal: {
      const d = type as Decimal;
      if (d.precision <= 38) return `decimal(${d.precision},${d.scale})`;
      break;
    }
    case Type.Date:
      return 'date';
    case Type.Timestamp: {
      const tz = (type as TimestampMicrosecond).timezone;
      if (tz === null || tz === undefined || tz === '') {
        throw new DeltaError(
          'UNSUPPORTED_FEATURE',
          `column ${path} is a timestamp without a time zone (timestamp_ntz, which needs the timestampNtz feature); use Timestamp(MICROSECOND, "UTC")`,
        );
      }
      return 'timestamp';
    }
    case Type.Struct:
      return { type: 'struct', fields: fromArrowFields((type as Struct).children, path) };
    case Type.List: {
      const child = (type as List).children[0]!;
      return {
        type: 'array',
        elementType: fromArrowType(child.type, `${path}.element`),
        containsNull: child.nullable,
      };
    }
    case Type.Map: {
      const entries = (type as Map_).children[0]!.type as Struct;
      const [key, value] = entries.children;
      return {
        type: 'map',
        keyType: fromArrowType(key!.type, `${path}.key`),
        valueType: fromArrowType(value!.type, `${path}.value`),
        valueContainsNull: value!.nullable,
      };
    }
  }
  throw new DeltaError(
    'SCHEMA_MISMATCH',
    `column ${path} has Arrow type ${type} which has no Delta equivalent`,
  );
}

function fromArrowFields(fields: Field[], path: string): DeltaStructField[] {
  return fields.map((f) => {
    const p = path ? `${path}.${f.name}` : f.name;
    return { name: f.name, type: fromArrowType(f.type, p), nullable: f.nullable, metadata: {} };
  });
}

/** The Delta schema of an Arrow schema; see {@link fromArrowType} for the mapping and refusals. */
export function fromArrowSchema(schema: Schema): DeltaSchema {
  return { type: 'struct', fields: fromArrowFields(schema.fields, '') };
}

/** Microseconds per unit of an Arrow `TimeUnit`, as a divisor/multiplier pair for exact conversion. */
export function microsPerUnit(unit: TimeUnit): { mul: bigint; div: bigint } {
  switch (unit) {
    case TimeUnit.SECOND:
      return { mul: 1_000_000n, div: 1n };
    case TimeUnit.MILLISECOND:
      return { mul: 1000n, div: 1n };
    case TimeUnit.MICROSECOND:
      return { mul: 1n, div: 1n };
    default:
      return { mul: 1n, div: 1000n };
  }
}
