import type { Prng } from '@lakestream/testkit';
import protobuf from 'protobufjs';
import { isSyntheticOneof, randomValue } from './random-message.js';
import { concat, type FieldSpan, lengthDelimited, pushVarint, scanFields, tagBytes } from './wire-bytes.js';

/** Wire type of one element of a packable repeated scalar, or -1 for strings, bytes and messages. */
function elementWireType(type: string, resolved: protobuf.ReflectionObject | null): number {
  if (resolved instanceof protobuf.Enum) return 0;
  switch (type) {
    case 'double':
    case 'fixed64':
    case 'sfixed64':
      return 1;
    case 'float':
    case 'fixed32':
    case 'sfixed32':
      return 5;
    case 'string':
    case 'bytes':
      return -1;
    default:
      return resolved instanceof protobuf.Type ? -1 : 0;
  }
}

/**
 * The wire bytes of `field` = `value` alone. protobufjs writes required fields unconditionally, so they get
 * random values too, and only the field's own occurrences are kept.
 */
function encodeOnly(rng: Prng, type: protobuf.Type, field: protobuf.Field, value: unknown): Uint8Array[] {
  const message: Record<string, unknown> = { [field.name]: value };
  for (const f of type.fieldsArray) {
    if (f.required && f !== field) message[f.name] = randomValue(rng, f.type, f.resolve().resolvedType, 4);
  }
  const bytes = type.encode(message).finish();
  return scanFields(bytes)
    .filter((s) => s.fieldNumber === field.id)
    .map((s) => bytes.subarray(s.start, s.end));
}

/** An unknown field of a random wire type (groups may nest), at a field number no test schema uses. */
export function unknownField(rng: Prng, depth = 0): number[] {
  const fieldNumber = rng.chance(0.5) ? rng.int(900, 999) : rng.int(100_000, 536_870_911);
  const wireType = rng.pick(depth < 2 ? [0, 1, 2, 3, 5] : [0, 1, 2, 5]);
  const out = tagBytes(fieldNumber, wireType);
  switch (wireType) {
    case 0: {
      const len = rng.int(1, 10);
      for (let i = 0; i < len - 1; i++) out.push(rng.int(0x80, 0xff));
      out.push(len === 10 ? 1 : rng.int(0, 0x7f));
      break;
    }
    case 1:
    case 5:
      for (let i = wireType === 1 ? 8 : 4; i > 0; i--) out.push(rng.int(0, 255));
      break;
    case 2: {
      const len = rng.int(0, 12);
      pushVarint(out, len);
      for (let i = 0; i < len; i++) out.push(rng.int(0, 255));
      break;
    }
    case 3:
      for (let i = rng.int(0, 3); i > 0; i--) out.push(...unknownField(rng, depth + 1));
      out.push(...tagBytes(fieldNumber, 4));
      break;
  }
  return out;
}

/** Re-encodes the elements of a packed chunk one field each (the unpacked encoding). */
function unpack(payload: Uint8Array, fieldNumber: number, wireType: number): Uint8Array {
  const chunks: (Uint8Array | number[])[] = [];
  let pos = 0;
  while (pos < payload.length) {
    let end = pos + (wireType === 1 ? 8 : 4);
    if (wireType === 0) {
      end = pos;
      while ((payload[end] ?? 0) >= 0x80) end++;
      end++;
    }
    chunks.push(tagBytes(fieldNumber, wireType), payload.subarray(pos, end));
    pos = end;
  }
  return concat(chunks);
}

/** Element boundaries of a packed chunk, so it can be cut in two. */
function packedCut(payload: Uint8Array, wireType: number): number {
  if (wireType !== 0) {
    const size = wireType === 1 ? 8 : 4;
    return size * Math.floor(payload.length / size / 2);
  }
  let count = 0;
  for (const b of payload) if (b < 0x80) count++;
  let seen = 0;
  for (let i = 0; i < payload.length; i++) {
    if ((payload[i] ?? 0) < 0x80 && ++seen === count >> 1) return i + 1;
  }
  return 0;
}

/**
 * Rewrites an encoded message of `type` without changing what it means, the ways a real producer (or a
 * merge of messages) may write it: unknown fields of every wire type (groups included) between fields and
 * inside sub-messages and map entries; an earlier decoy value before a singular scalar (last one wins), or
 * before a oneof member a decoy of another member; a singular sub-message split into two occurrences (they
 * merge); packed chunks unpacked or cut in two, unpacked elements written as one-element packed chunks.
 * `p` scales how often each rewrite happens.
 */
export function mutateMessage(rng: Prng, bytes: Uint8Array, type: protobuf.Type, p = 0.15): Uint8Array {
  const out: (Uint8Array | number[])[] = [];
  for (const span of scanFields(bytes)) {
    if (rng.chance(p)) out.push(unknownField(rng));
    const field = type.fieldsById[span.fieldNumber];
    out.push(
      field === undefined
        ? bytes.subarray(span.start, span.end)
        : rewriteField(rng, bytes, span, field, type, p),
    );
  }
  if (rng.chance(p)) out.push(unknownField(rng));
  return concat(out);
}

function rewriteField(
  rng: Prng,
  bytes: Uint8Array,
  span: FieldSpan,
  field: protobuf.Field,
  type: protobuf.Type,
  p: number,
): Uint8Array {
  field.resolve();
  const whole = bytes.subarray(span.start, span.end);
  const payload = bytes.subarray(span.valueStart, span.end);
  const n = span.fieldNumber;
  if (field instanceof protobuf.MapField) {
    return rng.chance(p) ? lengthDelimited(n, concat([payload, unknownField(rng)])) : whole;
  }
  if (field.resolvedType instanceof protobuf.Type) {
    const sub = mutateMessage(rng, payload, field.resolvedType, p);
    const parts = scanFields(sub);
    if (!field.repeated && parts.length >= 2 && rng.chance(p * 2)) {
      const cut = parts[rng.int(1, parts.length - 1)]!.start;
      return concat([lengthDelimited(n, sub.subarray(0, cut)), lengthDelimited(n, sub.subarray(cut))]);
    }
    return lengthDelimited(n, sub);
  }
  const elementWt = elementWireType(field.type, field.resolvedType);
  if (field.repeated && elementWt >= 0) {
    if (span.wireType === 2 && rng.chance(p * 2)) {
      if (rng.chance(0.5)) return unpack(payload, n, elementWt);
      const cut = packedCut(payload, elementWt);
      return concat([
        lengthDelimited(n, payload.subarray(0, cut)),
        lengthDelimited(n, payload.subarray(cut)),
      ]);
    }
    if (span.wireType !== 2 && rng.chance(p * 2))
      return lengthDelimited(n, bytes.subarray(span.valueStart, span.end));
    return whole;
  }
  if (!field.repeated && rng.chance(p)) {
    let decoyField = field;
    if (field.partOf !== null && !isSyntheticOneof(field.partOf) && rng.chance(0.5)) {
      decoyField = rng.pick(field.partOf.fieldsArray);
    }
    decoyField.resolve();
    if (decoyField === field && field.resolvedType instanceof protobuf.Type) return whole;
    const value = randomValue(rng, decoyField.type, decoyField.resolvedType, 4);
    return concat([...encodeOnly(rng, type, decoyField, value), whole]);
  }
  return whole;
}
