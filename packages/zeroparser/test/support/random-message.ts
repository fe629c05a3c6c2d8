import type { Prng } from '@lakestream/testkit';
import protobuf from 'protobufjs';

/** A 64-bit value in the shape protobufjs's encoder accepts (a `Long`'s fields). */
export interface LongBits {
  low: number;
  high: number;
  unsigned: boolean;
}

const STRINGS = [
  '',
  'a',
  'hello',
  'ünïcödé',
  '日本語テキスト',
  'emoji 😀🚀',
  'x'.repeat(200),
  'tab\tnew\nline',
  '\u0000nul',
];
const DOUBLES = [
  0,
  -0,
  1,
  -1,
  0.1,
  1e300,
  -1e-300,
  5e-324,
  Number.MAX_VALUE,
  Number.NaN,
  Infinity,
  -Infinity,
];
const INT32S = [0, 1, -1, 127, 128, 2147483647, -2147483648, 300, -300];

const long = (rng: Prng, unsigned: boolean): LongBits => {
  switch (rng.int(0, 6)) {
    case 0: // small
      return { low: rng.int(0, 1000), high: 0, unsigned };
    case 1: // above 2^53
      return { low: rng.u32() | 0, high: rng.int(0x200000, 0x7fffffff), unsigned };
    case 2: // negative (signed) or above 2^63 (unsigned): 10-byte varints
      return { low: rng.u32() | 0, high: rng.u32() | 0x80000000 | 0, unsigned };
    case 3: // the extremes
      return rng.chance(0.5)
        ? { low: 0, high: 0x80000000 | 0, unsigned }
        : { low: -1, high: unsigned ? -1 : 0x7fffffff, unsigned };
    case 4: // small negative / just below 2^64
      return { low: -rng.int(1, 1000) | 0, high: -1, unsigned };
    case 5: {
      // 1 to 64 significant bits: varints of every length
      const bits = rng.int(1, 64);
      const top = (n: number) =>
        n >= 32 ? rng.u32() | 0 : n <= 0 ? 0 : (rng.u32() >>> (32 - n)) | (1 << (n - 1));
      return bits > 32
        ? { low: rng.u32() | 0, high: top(bits - 32), unsigned }
        : { low: top(bits), high: 0, unsigned };
    }
    default:
      return { low: rng.u32() | 0, high: rng.u32() | 0, unsigned };
  }
};

/** A random value of one scalar or enum protobuf type name, or of a message type (recursively). */
export function randomValue(
  rng: Prng,
  typeName: string,
  resolved: protobuf.ReflectionObject | null,
  depth: number,
): unknown {
  if (resolved instanceof protobuf.Type) return randomMessage(rng, resolved, depth + 1);
  if (resolved instanceof protobuf.Enum) return rng.pick(Object.values(resolved.values));
  switch (typeName) {
    case 'double':
      return rng.chance(0.3) ? rng.pick(DOUBLES) : rng.range(-1e6, 1e6);
    case 'float':
      return Math.fround(rng.chance(0.3) ? rng.pick([...DOUBLES, 3.4e38, -1.17e-38]) : rng.range(-1e4, 1e4));
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return rng.chance(0.3) ? rng.pick(INT32S) : rng.u32() | 0;
    case 'uint32':
    case 'fixed32':
      return rng.chance(0.3) ? rng.pick([0, 1, 127, 128, 4294967295]) : rng.u32();
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return long(rng, false);
    case 'uint64':
    case 'fixed64':
      return long(rng, true);
    case 'bool':
      return rng.chance(0.5);
    case 'string':
      return rng.chance(0.6)
        ? rng.pick(STRINGS)
        : String.fromCodePoint(...Array.from({ length: rng.int(0, 8) }, () => rng.int(32, 0x2fff)));
    case 'bytes':
      return Uint8Array.from({ length: rng.int(0, 24) }, () => rng.int(0, 255));
    default:
      throw new Error(`no generator for type ${typeName}`);
  }
}

/** A map key of `keyType`, as the protobufjs encoder wants it (a string). */
function randomKey(rng: Prng, keyType: string): string {
  switch (keyType) {
    case 'string':
      return rng.chance(0.5) ? rng.pick(STRINGS) : `k${rng.int(0, 99)}`;
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return rng.chance(0.5)
        ? String(rng.int(-1000, 1000))
        : `-${rng.int(1, 9)}${String(rng.u32()).padStart(10, '0')}`;
    case 'uint64':
    case 'fixed64':
      // protobufjs parses 64-bit map keys as signed decimals, so stay below 2^63.
      return rng.chance(0.5)
        ? String(rng.int(0, 1000))
        : `${rng.int(1, 9)}${String(rng.u32()).padStart(12, '0')}`;
    case 'uint32':
    case 'fixed32':
      return String(rng.chance(0.5) ? rng.int(0, 100) : rng.u32());
    default:
      return String(rng.chance(0.5) ? rng.int(-100, 100) : rng.u32() | 0);
  }
}

const isSyntheticOneof = (o: protobuf.OneOf): boolean =>
  o.fieldsArray.length === 1 && o.fieldsArray[0]?.options?.proto3_optional === true;

/**
 * A random message of `type` as a plain object for `type.encode`: required fields always set, other
 * singular fields present with probability ~0.6, 0..5 elements in repeated fields, 0..4 map entries with
 * unique keys, at most one member per oneof. Nesting stops below depth 6.
 */
export function randomMessage(rng: Prng, type: protobuf.Type, depth = 0): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.partOf !== null && !isSyntheticOneof(field.partOf)) continue;
    if (depth > 5 && field.resolvedType instanceof protobuf.Type) continue;
    if (field instanceof protobuf.MapField) {
      const entries: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--) {
        entries[randomKey(rng, field.keyType)] = randomValue(rng, field.type, field.resolvedType, depth);
      }
      o[field.name] = entries;
    } else if (field.repeated) {
      o[field.name] = Array.from({ length: rng.chance(0.2) ? 0 : rng.int(1, 5) }, () =>
        randomValue(rng, field.type, field.resolvedType, depth),
      );
    } else if (field.required || rng.chance(0.6)) {
      o[field.name] = randomValue(rng, field.type, field.resolvedType, depth);
    }
  }
  for (const oneof of type.oneofsArray) {
    if (isSyntheticOneof(oneof) || !rng.chance(0.7)) continue;
    const member = rng.pick(oneof.fieldsArray);
    if (depth > 5 && member.resolvedType instanceof protobuf.Type) continue;
    o[member.name] = randomValue(rng, member.type, member.resolve().resolvedType, depth);
  }
  return o;
}

export { isSyntheticOneof };
