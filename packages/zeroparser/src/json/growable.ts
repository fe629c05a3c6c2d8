/**
 * Capacity arithmetic shared by the column builders: each builder keeps its values in a typed array that is
 * larger than what it holds, and grows it geometrically, so appending a value is amortised O(1).
 */

/** The capacity to grow to so that at least `needed` elements fit: at least double, at least 32. */
export function grownCapacity(current: number, needed: number): number {
  let capacity = current < 32 ? 32 : current * 2;
  while (capacity < needed) capacity *= 2;
  return capacity;
}

/** A copy of `bytes` with room for `needed` bytes, keeping its content. */
export function growBytes(bytes: Uint8Array, needed: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(grownCapacity(bytes.length, needed));
  grown.set(bytes);
  return grown;
}

/** A copy of `words` with room for `needed` words, keeping its content. */
export function growInt32(words: Int32Array, needed: number): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(grownCapacity(words.length, needed));
  grown.set(words);
  return grown;
}
