import { type Data, type Field, type Int64, makeData, type Timestamp, type Uint64 } from 'apache-arrow';
import { ColumnBuilder, validityProps } from './column-builder.js';
import { grownCapacity } from './growable.js';

/** The Arrow types whose values are 64-bit integers: Int64, Uint64, Timestamp (µs since the epoch). */
export type Int64Type = Int64 | Uint64 | Timestamp;

const TWO_POW_32 = 4294967296;
/** The word-pair trick needs a little-endian host; elsewhere every value goes through a BigInt. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Column builder of Int64, Uint64 and Timestamp. Values live as (low, high) Int32 word pairs, the
 * little-endian layout of a BigInt64Array, so a value that arrived as a safe-integer JSON number is stored
 * without allocating a BigInt; values that arrived as digit strings are written as BigInts through a
 * BigInt64Array view of the same memory (which wraps uint64 values above 2^63 to the same bits).
 */
export class Int64Builder extends ColumnBuilder<Int64Type> {
  #words = new Int32Array(128);
  #bigints = new BigInt64Array(this.#words.buffer);

  constructor(field: Field<Int64Type>) {
    super(field);
  }

  /** Appends a valid row holding `value`, a safe integer. */
  appendSafeInteger(value: number): void {
    const index = this.length;
    if (2 * index + 1 >= this.#words.length) this.#grow(index + 1);
    if (!LITTLE_ENDIAN) {
      this.#bigints[index] = BigInt(value);
      this.commit(true);
      return;
    }
    const high = Math.floor(value / TWO_POW_32);
    this.#words[2 * index] = value - high * TWO_POW_32;
    this.#words[2 * index + 1] = high;
    this.commit(true);
  }

  /** Appends a valid row holding `value`, which the caller has checked fits the column's 64 bits. */
  appendBigInt(value: bigint): void {
    const index = this.length;
    if (2 * index + 1 >= this.#words.length) this.#grow(index + 1);
    this.#bigints[index] = value;
    this.commit(true);
  }

  protected writePlaceholder(): void {
    const index = this.length;
    if (2 * index + 1 >= this.#words.length) this.#grow(index + 1);
    this.#words[2 * index] = 0;
    this.#words[2 * index + 1] = 0;
  }

  #grow(rows: number): void {
    const grown = new Int32Array(grownCapacity(this.#words.length, 2 * rows));
    grown.set(this.#words);
    this.#words = grown;
    this.#bigints = new BigInt64Array(grown.buffer);
  }

  protected buildData(
    length: number,
    nullBitmap: Uint8Array | undefined,
    nullCount: number,
  ): Data<Int64Type> {
    const buffer = this.#words.buffer;
    const type = this.field.type;
    const data =
      type.ArrayType === BigUint64Array
        ? new BigUint64Array(buffer, 0, length)
        : new BigInt64Array(buffer, 0, length);
    this.#words = new Int32Array(2 * Math.max(length, 64));
    this.#bigints = new BigInt64Array(this.#words.buffer);
    // One representative type for makeData's overloads: every Int64Type is laid out the same way.
    return makeData({
      type: type as Int64,
      length,
      data: data as BigInt64Array,
      ...validityProps(nullBitmap, nullCount),
    }) as Data<Int64Type>;
  }
}
