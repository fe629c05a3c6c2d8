import protobuf from 'protobufjs';
import { isSyntheticOneof } from './random-message.js';

/** A decoded value in the form the comparator expects from the Arrow batch. */
export type Expected =
  | null
  | number
  | bigint
  | boolean
  | string
  | Uint8Array
  | Expected[]
  | { readonly struct: Readonly<Record<string, Expected>> }
  | { readonly map: readonly (readonly [Expected, Expected])[] };

const SIGNED_64 = new Set(['int64', 'sint64', 'sfixed64']);
const UNSIGNED_64 = new Set(['uint64', 'fixed64']);

function toBigInt(v: unknown, unsigned: boolean): bigint {
  let big: bigint;
  if (typeof v === 'number' || typeof v === 'string') big = BigInt(v);
  else {
    const l = v as { low: number; high: number };
    big = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
  }
  return unsigned ? BigInt.asUintN(64, big) : BigInt.asIntN(64, big);
}

/** A scalar, enum or message value as decoded by protobufjs, in the comparator's form. */
function convert(
  type: string,
  resolved: protobuf.ReflectionObject | null,
  v: unknown,
  syntax: string,
): Expected {
  if (resolved instanceof protobuf.Type)
    return { struct: expectedMessage(resolved, v as protobuf.Message, syntax) };
  if (resolved instanceof protobuf.Enum) return v as number;
  if (SIGNED_64.has(type)) return toBigInt(v, false);
  if (UNSIGNED_64.has(type)) return toBigInt(v, true);
  if (type === 'bytes') return new Uint8Array(v as Uint8Array);
  return v as Expected;
}

function zero(type: string, resolved: protobuf.ReflectionObject | null): Expected {
  if (resolved instanceof protobuf.Enum) return 0;
  if (SIGNED_64.has(type) || UNSIGNED_64.has(type)) return 0n;
  switch (type) {
    case 'bool':
      return false;
    case 'string':
      return '';
    case 'bytes':
      return new Uint8Array(0);
    default:
      return 0;
  }
}

function mapKey(keyType: string, key: string): Expected {
  if (SIGNED_64.has(keyType) || UNSIGNED_64.has(keyType)) {
    // protobufjs keys 64-bit map entries by an 8-character "long hash".
    const bits = protobuf.util.LongBits.fromHash(key);
    return toBigInt({ low: bits.lo, high: bits.hi }, UNSIGNED_64.has(keyType));
  }
  return keyType === 'string' ? key : Number(key);
}

/**
 * The row the decoder must produce for `message` (decoded by protobufjs from the same record), by the
 * zeroparser contract: presence decides null vs value (`hasOwnProperty` on the decoded message); proto2
 * optional → the declared default or null; proto3 implicit → the zero value; proto3 `optional` and oneof
 * members → null; sub-messages → struct or null; repeated → list (empty when absent); maps → entries in
 * wire order.
 */
export function expectedMessage(
  type: protobuf.Type,
  message: protobuf.Message,
  syntax: string,
): Record<string, Expected> {
  const row: Record<string, Expected> = {};
  const m = message as unknown as Record<string, unknown>;
  for (const field of type.fieldsArray) {
    field.resolve();
    const value = m[field.name];
    const present = Object.hasOwn(m, field.name) && value !== null && value !== undefined;
    if (field instanceof protobuf.MapField) {
      const entries = (value ?? {}) as Record<string, unknown>;
      row[field.name] = {
        map: Object.keys(entries).map(
          (k) =>
            [mapKey(field.keyType, k), convert(field.type, field.resolvedType, entries[k], syntax)] as const,
        ),
      };
    } else if (field.repeated) {
      row[field.name] = ((value ?? []) as unknown[]).map((v) =>
        convert(field.type, field.resolvedType, v, syntax),
      );
    } else if (present) {
      row[field.name] = convert(field.type, field.resolvedType, value, syntax);
    } else if (field.resolvedType instanceof protobuf.Type) {
      row[field.name] = null;
    } else if (field.partOf !== null || (syntax === 'proto3' && field.options?.proto3_optional === true)) {
      row[field.name] = null;
    } else if (syntax === 'proto3') {
      row[field.name] = zero(field.type, field.resolvedType);
    } else if (field.options?.default !== undefined) {
      row[field.name] = convert(field.type, field.resolvedType, field.typeDefault, syntax);
    } else {
      row[field.name] = null;
    }
  }
  return row;
}

export { isSyntheticOneof };
