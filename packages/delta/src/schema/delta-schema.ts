import { DeltaError } from '../errors.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';

/**
 * A Delta primitive type name as it appears in `schemaString`: `string`, `long`, `integer`, `short`, `byte`,
 * `float`, `double`, `boolean`, `binary`, `date`, `timestamp`, `timestamp_ntz` or `decimal(p,s)`.
 */
export type DeltaPrimitiveType = string;

/** A Delta (Spark JSON) type: a primitive name or a struct, array or map. */
export type DeltaType = DeltaPrimitiveType | DeltaStructType | DeltaArrayType | DeltaMapType;

/** A column of a struct; `metadata` is free-form (comments, column-mapping ids). */
export interface DeltaStructField {
  name: string;
  type: DeltaType;
  nullable: boolean;
  metadata: JsonObject;
}

/** `{"type":"struct","fields":[…]}`: the table schema itself and every nested struct. */
export interface DeltaStructType {
  type: 'struct';
  fields: DeltaStructField[];
}

/** `{"type":"array","elementType":…,"containsNull":bool}`. */
export interface DeltaArrayType {
  type: 'array';
  elementType: DeltaType;
  containsNull: boolean;
}

/** `{"type":"map","keyType":…,"valueType":…,"valueContainsNull":bool}`. */
export interface DeltaMapType {
  type: 'map';
  keyType: DeltaType;
  valueType: DeltaType;
  valueContainsNull: boolean;
}

/** A table schema: the top-level struct. */
export type DeltaSchema = DeltaStructType;

const PRIMITIVES = new Set([
  'string',
  'long',
  'integer',
  'short',
  'byte',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
  'timestamp_ntz',
]);
const DECIMAL = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/;
// Spec (schemaString): without column mapping, names must not contain these characters.
const BAD_NAME_CHARS = /[ ,;{}()\n\t=]/;

/** Precision and scale of a `decimal(p,s)` type name, or `undefined` for any other type. */
export function parseDecimalType(type: DeltaType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined;
  const m = DECIMAL.exec(type);
  if (m === null) return undefined;
  return { precision: Number(m[1]), scale: Number(m[2]) };
}

/**
 * Validates and normalises a parsed schema value. Throws `DeltaError` `INVALID_ARGUMENT` (or `CORRUPT_LOG`
 * when `source` says it came from the log) naming the offending column.
 */
export function parseDeltaSchema(value: JsonValue, source: 'argument' | 'log' = 'argument'): DeltaSchema {
  const code = source === 'log' ? 'CORRUPT_LOG' : 'INVALID_ARGUMENT';
  const bad = (path: string, what: string): never => {
    throw new DeltaError(code, `invalid Delta schema at ${path || 'top level'}: ${what}`);
  };
  const parseType = (v: JsonValue | undefined, path: string): DeltaType => {
    if (typeof v === 'string') {
      if (PRIMITIVES.has(v)) return v;
      const dec = parseDecimalType(v);
      if (dec !== undefined) {
        if (dec.precision < 1 || dec.precision > 38 || dec.scale > dec.precision) {
          bad(path, `${v} needs 1 <= precision <= 38 and scale <= precision`);
        }
        return `decimal(${dec.precision},${dec.scale})`;
      }
      return bad(path, `unknown type "${v}"`);
    }
    if (!isJsonObject(v)) return bad(path, 'a type must be a name or an object');
    if (v.type === 'struct') return parseStruct(v, path);
    if (v.type === 'array') {
      return {
        type: 'array',
        elementType: parseType(v.elementType, `${path}.element`),
        containsNull: v.containsNull !== false,
      };
    }
    if (v.type === 'map') {
      return {
        type: 'map',
        keyType: parseType(v.keyType, `${path}.key`),
        valueType: parseType(v.valueType, `${path}.value`),
        valueContainsNull: v.valueContainsNull !== false,
      };
    }
    return bad(path, `unknown type ${JSON.stringify(v.type)}`);
  };
  const parseStruct = (v: JsonObject, path: string): DeltaStructType => {
    if (!Array.isArray(v.fields)) return bad(path, 'a struct needs "fields"');
    const seen = new Set<string>();
    const fields = v.fields.map((f): DeltaStructField => {
      if (!isJsonObject(f) || typeof f.name !== 'string') return bad(path, 'a field needs a "name"');
      const fieldPath = path ? `${path}.${f.name}` : f.name;
      const lower = f.name.toLowerCase();
      if (seen.has(lower)) bad(fieldPath, 'column names must be unique (case-insensitively)');
      seen.add(lower);
      if (source === 'argument' && (f.name === '' || BAD_NAME_CHARS.test(f.name))) {
        bad(fieldPath, 'column names must be non-empty and free of " ,;{}()\\n\\t="');
      }
      return {
        name: f.name,
        type: parseType(f.type, fieldPath),
        nullable: f.nullable !== false,
        metadata: isJsonObject(f.metadata) ? f.metadata : {},
      };
    });
    return { type: 'struct', fields };
  };
  if (!isJsonObject(value) || value.type !== 'struct') return bad('', 'a schema is a struct type');
  return parseStruct(value, '');
}

/** The `schemaString` of a metaData action for a schema. */
export function serializeDeltaSchema(schema: DeltaSchema): string {
  return JSON.stringify(schema);
}

/**
 * `current` with the columns of `wanted` it lacks (names ignoring case, at any depth inside structs) added
 * at the end, as nullable; `undefined` when it lacks none. Types are never changed: a column both have keeps
 * `current`'s type. What a writer commits when its rows may carry columns the table does not have yet.
 */
export function withMissingColumns(current: DeltaSchema, wanted: DeltaSchema): DeltaSchema | undefined {
  const merge = (a: DeltaStructType, b: DeltaStructType): DeltaStructType | undefined => {
    let changed = false;
    const byName = new Map(b.fields.map((f) => [f.name.toLowerCase(), f]));
    const fields = a.fields.map((f) => {
      const g = byName.get(f.name.toLowerCase());
      if (g === undefined || typeof f.type === 'string' || typeof g.type === 'string') return f;
      if (f.type.type !== 'struct' || g.type.type !== 'struct') return f;
      const type = merge(f.type, g.type);
      if (type === undefined) return f;
      changed = true;
      return { ...f, type };
    });
    const known = new Set(a.fields.map((f) => f.name.toLowerCase()));
    for (const g of b.fields) {
      if (known.has(g.name.toLowerCase())) continue;
      fields.push({ ...g, nullable: true });
      changed = true;
    }
    return changed ? { ...a, fields } : undefined;
  };
  return merge(current, wanted);
}

/**
 * Checks that `next` only adds nullable columns to `prev` (at any depth) and changes no existing type: the
 * schema evolution this library allows. Throws `SCHEMA_MISMATCH` naming the column otherwise.
 */
export function assertAdditiveEvolution(prev: DeltaSchema, next: DeltaSchema): void {
  const walk = (a: DeltaType, b: DeltaType, path: string): void => {
    if (typeof a === 'string' || typeof b === 'string') {
      if (a !== b) {
        throw new DeltaError(
          'SCHEMA_MISMATCH',
          `column ${path} changes type from ${JSON.stringify(a)} to ${JSON.stringify(b)}; only adding nullable columns is supported`,
        );
      }
      return;
    }
    if (a.type !== b.type) {
      throw new DeltaError('SCHEMA_MISMATCH', `column ${path} changes from ${a.type} to ${b.type}`);
    }
    if (a.type === 'struct' && b.type === 'struct') {
      const byName = new Map(b.fields.map((f) => [f.name, f]));
      for (const f of a.fields) {
        const g = byName.get(f.name);
        const p = path ? `${path}.${f.name}` : f.name;
        if (g === undefined) throw new DeltaError('SCHEMA_MISMATCH', `column ${p} would be dropped`);
        if (f.nullable && !g.nullable)
          throw new DeltaError('SCHEMA_MISMATCH', `column ${p} would become NOT NULL`);
        walk(f.type, g.type, p);
      }
      const known = new Set(a.fields.map((f) => f.name));
      for (const g of b.fields) {
        if (!known.has(g.name) && !g.nullable) {
          throw new DeltaError(
            'SCHEMA_MISMATCH',
            `new column ${path ? `${path}.` : ''}${g.name} must be nullable (existing rows have no value)`,
          );
        }
      }
    } else if (a.type === 'array' && b.type === 'array') {
      walk(a.elementType, b.elementType, `${path}.element`);
    } else if (a.type === 'map' && b.type === 'map') {
      walk(a.keyType, b.keyType, `${path}.key`);
      walk(a.valueType, b.valueType, `${path}.value`);
    }
  };
  walk(prev, next, '');
}
