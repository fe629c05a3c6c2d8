import type protobuf from 'protobufjs';

/** Encodes plain field-value objects with protobufjs (`Type.encode(obj).finish()`). Not timed by benchmarks. */
export function encodeAll(type: protobuf.Type, objects: readonly Record<string, unknown>[]): Uint8Array[] {
  return objects.map((o) => type.encode(o).finish());
}

/**
 * JSON texts of encoded records, as the Zerobus JSON path receives them: fields named as in the .proto,
 * int64 as decimal strings, absent fields left out.
 */
export function toJsonRecords(type: protobuf.Type, records: readonly Uint8Array[]): string[] {
  return records.map((r) => JSON.stringify(type.toObject(type.decode(r), { longs: String })));
}
