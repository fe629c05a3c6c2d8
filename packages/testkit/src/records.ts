import type protobuf from 'protobufjs';

/** Encodes plain field-value objects with protobufjs (`Type.encode(obj).finish()`), packed contiguously. Not timed. */
export function encodeAll(type: protobuf.Type, objects: readonly Record<string, unknown>[]): Uint8Array[] {
  return packContiguous(objects.map((o) => type.encode(o).finish()));
}

/**
 * Copies records into one ArrayBuffer and returns plain `Uint8Array` views of it, as records sliced out of a
 * network batch look. (protobufjs returns Node `Buffer`s; mixing those with plain arrays would make element
 * access polymorphic and distort the comparison between decoders.) `gap`: bytes written after each record,
 * outside its view (none by default).
 */
export function packContiguous(records: readonly Uint8Array[], gap: readonly number[] = []): Uint8Array[] {
  let total = 0;
  for (const r of records) total += r.length + gap.length;
  const all = new Uint8Array(total);
  const views: Uint8Array[] = [];
  let offset = 0;
  for (const r of records) {
    all.set(r, offset);
    views.push(all.subarray(offset, offset + r.length));
    offset += r.length;
    all.set(gap, offset);
    offset += gap.length;
  }
  return views;
}

/**
 * JSON texts of encoded records, as the Zerobus JSON path receives them: fields named as in the .proto,
 * int64 as decimal strings, absent fields left out.
 */
export function toJsonRecords(type: protobuf.Type, records: readonly Uint8Array[]): string[] {
  return records.map((r) => JSON.stringify(type.toObject(type.decode(r), { longs: String })));
}
