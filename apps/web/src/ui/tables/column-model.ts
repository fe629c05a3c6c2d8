/*
 * The create-table column editor's state, and what it sends to the server. The editor keeps drafts (with
 * ids for React keys, decimal precision and scale as numbers, comments as text); `toColumnsInput` turns them
 * into the JSON `tables.create` and `tables.schemaPreview` take (Spark's schemaString shapes). Validation is
 * the server's: the catalog's own rules answer with the bad column's path.
 */

// The contract entry: the catalog's types without its database (a value import of the main entry would bundle
// SQLite into the page).
import type { ColumnInput, DELTA_PRIMITIVE_TYPES, DeltaTypeInput } from '@lakestream/catalog/contract';

/** A primitive the editor offers: the catalog's own, and `timestamp_ntz` (the catalog refuses it, saying why). */
type OfferedPrimitive = (typeof DELTA_PRIMITIVE_TYPES)[number] | 'timestamp_ntz';

/**
 * The Delta primitive types the editor offers, in the type select's order: the catalog's
 * `DELTA_PRIMITIVE_TYPES` in the editor's own order (most used first) plus `timestamp_ntz`; `satisfies` refuses a
 * name the catalog does not know, and column-model.test.ts checks that none of the catalog's is missing).
 */
export const PRIMITIVE_TYPES = [
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
] as const satisfies readonly OfferedPrimitive[];

/** What a type select offers: the primitives, `decimal` (with precision and scale) and the three nested kinds. */
export type TypeKind = (typeof PRIMITIVE_TYPES)[number] | 'decimal' | 'struct' | 'array' | 'map';

/** Every `TypeKind`, in the order of the type select. */
export const TYPE_KINDS: readonly TypeKind[] = [...PRIMITIVE_TYPES, 'decimal', 'struct', 'array', 'map'];

/** A type being edited. */
export type TypeDraft =
  | { readonly kind: (typeof PRIMITIVE_TYPES)[number] }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'struct'; readonly fields: readonly FieldDraft[] }
  | { readonly kind: 'array'; readonly element: TypeDraft; readonly containsNull: boolean }
  | {
      readonly kind: 'map';
      readonly key: TypeDraft;
      readonly value: TypeDraft;
      readonly valueContainsNull: boolean;
    };

/** A column (or a struct's field) being edited; `id` is only a React key. */
export interface FieldDraft {
  readonly id: string;
  readonly name: string;
  readonly type: TypeDraft;
  readonly nullable: boolean;
  readonly comment: string;
}

let nextId = 0;

/** A new field: nullable, of type string unless told. */
export function newField(name = '', type: TypeDraft = { kind: 'string' }, nullable = true): FieldDraft {
  nextId += 1;
  return { id: `f${nextId}`, name, type, nullable, comment: '' };
}

/** The editor's first state: one `id` column of type long, not null. */
export function initialColumns(): FieldDraft[] {
  return [newField('id', { kind: 'long' }, false)];
}

/**
 * The type a select's new `kind` starts as; switching between nested kinds keeps nothing (the children would
 * not fit), switching to decimal starts at decimal(10,2).
 */
export function defaultType(kind: TypeKind): TypeDraft {
  switch (kind) {
    case 'decimal':
      return { kind, precision: 10, scale: 2 };
    case 'struct':
      return { kind, fields: [newField()] };
    case 'array':
      return { kind, element: { kind: 'string' }, containsNull: true };
    case 'map':
      return { kind, key: { kind: 'string' }, value: { kind: 'string' }, valueContainsNull: true };
    default:
      return { kind };
  }
}

/** `list` with the item at `index` moved by `delta` (-1 up, +1 down); unchanged at the ends. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  const out = [...list];
  if (target < 0 || target >= list.length) return out;
  const [item] = out.splice(index, 1);
  out.splice(target, 0, item as T);
  return out;
}

/** The Delta type JSON of a draft (a primitive name, `decimal(p,s)`, or a struct/array/map object), as the catalog's `deltaTypeSchema` takes it. */
export function toTypeInput(type: TypeDraft): DeltaTypeInput {
  switch (type.kind) {
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'struct':
      return {
        type: 'struct',
        fields: type.fields.map((f) => ({
          name: f.name,
          type: toTypeInput(f.type),
          nullable: f.nullable,
          ...(f.comment.trim() === '' ? {} : { metadata: { comment: f.comment.trim() } }),
        })),
      };
    case 'array':
      return { type: 'array', elementType: toTypeInput(type.element), containsNull: type.containsNull };
    case 'map':
      return {
        type: 'map',
        keyType: toTypeInput(type.key),
        valueType: toTypeInput(type.value),
        valueContainsNull: type.valueContainsNull,
      };
    default:
      return type.kind;
  }
}

/** The `columns` of `tables.create` / `tables.schemaPreview` for the editor's columns. */
export function toColumnsInput(columns: readonly FieldDraft[]): ColumnInput[] {
  return columns.map((c) => ({
    name: c.name,
    type: toTypeInput(c.type),
    nullable: c.nullable,
    ...(c.comment.trim() === '' ? {} : { comment: c.comment.trim() }),
  }));
}
