/** The protobuf scalar types, by their descriptor names (without `TYPE_`). */
export type ScalarKind =
  | 'double'
  | 'float'
  | 'int32'
  | 'int64'
  | 'uint32'
  | 'uint64'
  | 'sint32'
  | 'sint64'
  | 'fixed32'
  | 'fixed64'
  | 'sfixed32'
  | 'sfixed64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'enum';

/**
 * How a singular field says it is absent. `explicit`: proto2 `optional`, proto3 `optional`, oneof members and
 * messages — absent is null (or the declared default). `implicit`: proto3 plain fields — absent is the zero
 * value. `required`: proto2 `required` — absent is an error.
 */
export type Presence = 'explicit' | 'implicit' | 'required';

/** A field with its type resolved: what the decoder compiler works from. */
export interface FieldModel {
  readonly name: string;
  readonly number: number;
  readonly kind: ScalarKind | 'message';
  readonly cardinality: 'singular' | 'repeated' | 'map';
  readonly presence: Presence;
  /** The descriptor's `default_value` text (proto2), with enum names already turned into numbers. */
  readonly defaultValue: string | undefined;
  /** Name of the (real, not synthetic) oneof the field belongs to. */
  readonly oneof: string | undefined;
  /** The message type, for `kind === 'message'` (for maps: the value's type, when it is a message). */
  readonly message: MessageModel | undefined;
  /** Key and value of a map field (`cardinality === 'map'`). */
  readonly map: { readonly key: FieldModel; readonly value: FieldModel } | undefined;
}

/** A message type with every field resolved. Finite by construction: recursive types are refused. */
export interface MessageModel {
  readonly fullName: string;
  readonly fields: readonly FieldModel[];
}

/**
 * Whether a field's absence must be acted on after its message is decoded: a proto2 `required` field (absent
 * is an error) or a field with a declared default (absent takes the default). Presence of such fields is
 * tracked per row, so that a message that arrives in several pieces (merged) is judged as a whole.
 */
export function needsPresenceCheck(field: FieldModel): boolean {
  return (
    field.cardinality === 'singular' &&
    (field.presence === 'required' || (field.defaultValue !== undefined && field.oneof === undefined))
  );
}
