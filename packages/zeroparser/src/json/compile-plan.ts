import { type DataType, Field, type List, type Map_, Struct, Type } from 'apache-arrow';
import { SchemaError } from '../errors.js';
import type { ColumnBuilder } from './column-builder.js';
import { ExactNumber } from './exact-json.js';
import { ListBuilder } from './list-builder.js';
import { compileMapKey, compileScalar } from './scalar-converters.js';
import { StructBuilder } from './struct-builder.js';
import { typeMismatch, ValueFailure } from './value-failure.js';

/** The options the compiled converters read; resolved (defaults applied) by `createJsonParser`. */
export interface PlanOptions {
  readonly unknownFields: 'reject' | 'ignore';
  readonly recursionLimit: number;
}

/** One column of the plan: its builder and the closure that appends a JSON value to it. */
export interface ColumnConverter {
  readonly builder: ColumnBuilder;
  /** The field is nullable: JSON null (and, in a struct, an absent key) makes a null row. */
  readonly nullable: boolean;
  /**
   * In a struct, null or absent is accepted: nullable fields become null, non-nullable lists and maps
   * become empty (what protobuf does with an absent repeated field). Everything else is `MISSING_REQUIRED`.
   */
  readonly acceptsAbsent: boolean;
  /**
   * Appends a present, non-null JSON value. `depth` is the number of JSON containers around the value's
   * own (the record object is depth 1); a container deeper than `recursionLimit` fails.
   */
  write(value: unknown, depth: number): void;
}

/** The compiled record: the root builder (a struct of the schema's fields) and the record walker. */
export interface RecordPlan {
  readonly root: StructBuilder;
  /** The converters of the record's columns, in schema order (the root's children). */
  readonly columns: readonly ColumnConverter[];
  /** Appends one parsed record (any JSON value) as a row, or throws a `ValueFailure`. */
  writeRecord(value: unknown): void;
}

/**
 * Compiles the schema's fields into a tree of converters, once per parser: a struct looks a key up in a
 * `Map` of its columns, lists and maps hold their element converter, leaves switch on nothing at all.
 * Throws `SchemaError` for a type the JSON parser does not support.
 */
export function compileRecordPlan(fields: readonly Field[], options: PlanOptions): RecordPlan {
  const children = fields.map((field) => compileColumn(field, field.name, options));
  const root = new StructBuilder(
    new Field('', new Struct(fields as Field[]), false),
    children.map((child) => child.builder),
  );
  const walk = compileStructWalk(fields, children, options, true);
  return {
    root,
    columns: children,
    writeRecord(value) {
      if (!isJsonObject(value)) {
        throw typeMismatch('a JSON object (one record, its keys the column names)', value);
      }
      walk(value, 1);
      root.appendValid();
    },
  };
}

/** A JSON object: not an array, nor a number `parseJsonExactly` kept as text. */
function isJsonObject(value: unknown): value is object {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

function compileColumn(field: Field, path: string, options: PlanOptions): ColumnConverter {
  const type: DataType = field.type;
  switch (type.typeId) {
    case Type.Struct:
      return compileStruct(field as Field<Struct>, path, options);
    case Type.List:
      return compileList(field as Field<List>, path, options);
    case Type.Map:
      return compileMap(field as Field<Map_>, path, options);
    default: {
      const { builder, write } = compileScalar(field, path);
      return { builder, nullable: field.nullable, acceptsAbsent: field.nullable, write };
    }
  }
}

function recursionFailure(depth: number, options: PlanOptions): ValueFailure {
  return new ValueFailure(
    'RECURSION_LIMIT',
    `nesting depth ${depth} is over the limit of ${options.recursionLimit} (option recursionLimit)`,
  );
}

function compileStruct(field: Field<Struct>, path: string, options: PlanOptions): ColumnConverter {
  const fields = field.type.children;
  const children = fields.map((child) => compileColumn(child, `${path}.${child.name}`, options));
  const builder = new StructBuilder(
    field,
    children.map((child) => child.builder),
  );
  const walk = compileStructWalk(fields, children, options, false);
  return {
    builder,
    nullable: field.nullable,
    acceptsAbsent: field.nullable,
    write(value, depth) {
      if (!isJsonObject(value)) throw typeMismatch(`a JSON object (struct)`, value);
      if (depth > options.recursionLimit) throw recursionFailure(depth, options);
      walk(value as object, depth);
      builder.appendValid();
    },
  };
}

/**
 * The walk over one JSON object's keys into a struct's children. Keys are visited in the object's order and
 * looked up in a `Map`; a generation stamp per column tells which columns the object did not mention, and
 * those are filled in (null, empty) or fail `MISSING_REQUIRED`. The record itself is the top-level struct
 * (`isRoot`): its field paths have no leading dot.
 */
function compileStructWalk(
  fields: readonly Field[],
  children: readonly ColumnConverter[],
  options: PlanOptions,
  isRoot: boolean,
): (object: object, depth: number) => void {
  const indexByName = new Map<string, number>();
  fields.forEach((field, index) => {
    if (indexByName.has(field.name)) {
      throw new SchemaError('UNSUPPORTED_FIELD', field.name, `two columns are named '${field.name}'`);
    }
    indexByName.set(field.name, index);
  });
  const segment = (name: string) => (isRoot ? name : `.${name}`);
  const known = fields.length <= 10 ? fields.map((f) => f.name).join(', ') : `${fields.length} columns`;
  const reject = options.unknownFields === 'reject';
  const stamps = new Float64Array(fields.length);
  let generation = 0;

  // A null key fails inside the key loop, whose catch adds the segment; an absent one fails after it.
  const missing = (index: number, found: 'null' | 'absent') => {
    const field = fields[index]!;
    return new ValueFailure(
      'MISSING_REQUIRED',
      `the required field '${field.name}' (${field.type}, not nullable) is ${found}`,
      found === 'null' ? '' : segment(field.name),
    );
  };

  return (object, depth) => {
    const stamp = ++generation;
    let seen = 0;
    let key = '';
    try {
      for (key in object) {
        const index = indexByName.get(key);
        if (index === undefined) {
          if (reject) {
            throw new ValueFailure(
              'UNKNOWN_FIELD',
              `the key ${JSON.stringify(key)} is not a column (known: ${known}); ` +
                `unknownFields: 'ignore' would skip it`,
            );
          }
          continue;
        }
        stamps[index] = stamp;
        seen++;
        const value = (object as Record<string, unknown>)[key];
        const child = children[index]!;
        if (value === null) {
          if (!child.acceptsAbsent) throw missing(index, 'null');
          child.builder.appendNull();
        } else {
          child.write(value, depth + 1);
        }
      }
    } catch (error) {
      if (error instanceof ValueFailure) error.prepend(segment(key));
      throw error;
    }
    if (seen === children.length) return;
    for (let index = 0; index < children.length; index++) {
      if (stamps[index] === stamp) continue;
      const child = children[index]!;
      if (!child.acceptsAbsent) throw missing(index, 'absent');
      child.builder.appendNull();
    }
  };
}

function nullElement(what: string, type: DataType): ValueFailure {
  return new ValueFailure(
    'TYPE_MISMATCH',
    `expected ${what} of type ${type}, found null (it is not nullable)`,
  );
}

function compileList(field: Field<List>, path: string, options: PlanOptions): ColumnConverter {
  const elementField = field.type.children[0]!;
  const element = compileColumn(elementField, `${path}[]`, options);
  const builder = new ListBuilder(field, element.builder);
  return {
    builder,
    nullable: field.nullable,
    acceptsAbsent: true,
    write(value, depth) {
      if (!Array.isArray(value)) throw typeMismatch('a JSON array (list)', value);
      if (depth > options.recursionLimit) throw recursionFailure(depth, options);
      let index = 0;
      try {
        for (; index < value.length; index++) {
          const item: unknown = value[index];
          if (item !== null) element.write(item, depth + 1);
          else if (element.nullable) element.builder.appendNull();
          else throw nullElement('a list element', elementField.type);
        }
      } catch (error) {
        if (error instanceof ValueFailure) error.prepend(`[${index}]`);
        throw error;
      }
      builder.appendValid();
    },
  };
}

function compileMap(field: Field<Map_>, path: string, options: PlanOptions): ColumnConverter {
  const entriesField = field.type.children[0]!;
  const [keyField, valueField] = entriesField.type.children;
  if (keyField === undefined || valueField === undefined) {
    throw new SchemaError('UNSUPPORTED_FIELD', path, 'a map needs an entries struct of a key and a value');
  }
  const key = compileMapKey(keyField, `${path}.key`);
  const mapValue = compileColumn(valueField, `${path}[]`, options);
  const entries = new StructBuilder(entriesField, [key.builder, mapValue.builder]);
  const builder = new ListBuilder(field, entries);
  return {
    builder,
    nullable: field.nullable,
    acceptsAbsent: true,
    write(value, depth) {
      if (!isJsonObject(value)) throw typeMismatch('a JSON object (map)', value);
      if (depth > options.recursionLimit) throw recursionFailure(depth, options);
      let name = '';
      try {
        for (name in value as object) {
          key.write(name);
          const item = (value as Record<string, unknown>)[name];
          if (item !== null) mapValue.write(item, depth + 1);
          else if (mapValue.nullable) mapValue.builder.appendNull();
          else throw nullElement('a map value', valueField.type);
          entries.appendValid();
        }
      } catch (error) {
        if (error instanceof ValueFailure) error.prepend(`[${JSON.stringify(name)}]`);
        throw error;
      }
      builder.appendValid();
    },
  };
}
