import { type DataType, Field, List, Map_, Struct } from 'apache-arrow';

/**
 * Schema shorthands for the JSON parser's tests, shaped like the protobuf parser's output: list elements
 * named `element` and not nullable, maps of a non-nullable `entries` struct of `key` and `value`.
 */

/** A field, nullable unless told otherwise. */
export function field(name: string, type: DataType, nullable = true): Field {
  return new Field(name, type, nullable);
}

/** A List of `element` (not nullable unless told). */
export function listOf(element: DataType, elementNullable = false): List {
  return new List(new Field('element', element, elementNullable));
}

/** A Map of `key` to `value` (the value nullable unless told). */
export function mapOf(key: DataType, value: DataType, valueNullable = true): Map_ {
  return new Map_(
    new Field(
      'entries',
      new Struct([new Field('key', key, false), new Field('value', value, valueNullable)]),
      false,
    ),
  );
}

/** A Struct of the given fields. */
export function structOf(...fields: Field[]): Struct {
  return new Struct(fields);
}
