import { isUtf8 } from 'node:buffer';
import type { GroupStore } from '../arrow/column-store.js';

/**
 * Whether the string columns `ids` of a decoded batch hold well-formed UTF-8, checked in bulk: each column's
 * bytes at once (Node's `isUtf8`, SIMD), not value by value. The bytes are the values back to back, and the
 * decoder has already checked each value's first byte when it has its high bit set: no value starts with a
 * continuation byte. Then the whole is well-formed exactly when every value is (a value cut inside a
 * sequence would leave the next bytes, or the column's end, ill-formed). False: some value is not, and the
 * batch must be decoded again with the check per value, which names its record, field and offset.
 */
export function utf8ColumnsValid(ids: readonly number[], groups: readonly GroupStore[]): boolean {
  for (const id of ids) {
    const group = groups.find((g) => g.data.has(id))!;
    const bytes = group.data.get(id)!;
    if (!isUtf8(bytes.subarray(0, group.dataEnd.get(id) ?? 0))) return false;
  }
  return true;
}
