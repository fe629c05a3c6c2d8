import {
  type Data,
  type DateDay,
  type Field,
  type Float32,
  type Float64,
  type Int8,
  type Int16,
  type Int32,
  makeData,
  type Uint32,
} from 'apache-arrow';
import { ColumnBuilder, validityProps } from './column-builder.js';
import { grownCapacity } from './growable.js';

/** The Arrow types whose values are one JS number in a 32- or 64-bit typed array slot. */
export type NumberType = Float64 | Float32 | Int8 | Int16 | Int32 | Uint32 | DateDay;

type NumberArray = Float64Array | Float32Array | Int8Array | Int16Array | Int32Array | Uint32Array;

/**
 * Column builder of Float64, Float32, Int8, Int16, Int32, Uint32 and DateDay (days since the epoch, an Int32Array in
 * apache-arrow's layout). The converter has checked the range; the typed array stores the value as is.
 */
export class NumberBuilder extends ColumnBuilder<NumberType> {
  #values: NumberArray;
  readonly #make: (capacity: number) => NumberArray;

  constructor(field: Field<NumberType>) {
    super(field);
    const ArrayType = field.type.ArrayType as new (capacity: number) => NumberArray;
    this.#make = (capacity) => new ArrayType(capacity);
    this.#values = this.#make(64);
  }

  /** Appends a valid row holding `value`. */
  append(value: number): void {
    const index = this.length;
    if (index >= this.#values.length) this.#grow(index + 1);
    this.#values[index] = value;
    this.commit(true);
  }

  protected writePlaceholder(): void {
    const index = this.length;
    if (index >= this.#values.length) this.#grow(index + 1);
    this.#values[index] = 0;
  }

  #grow(needed: number): void {
    const grown = this.#make(grownCapacity(this.#values.length, needed));
    grown.set(this.#values);
    this.#values = grown;
  }

  protected buildData(
    length: number,
    nullBitmap: Uint8Array | undefined,
    nullCount: number,
  ): Data<NumberType> {
    const data = this.#values.subarray(0, length);
    this.#values = this.#make(Math.max(length, 64));
    // One representative type for makeData's overloads: every NumberType is laid out the same way.
    const type = this.field.type as Float64;
    return makeData({
      type,
      length,
      data: data as Float64Array,
      ...validityProps(nullBitmap, nullCount),
    }) as Data<NumberType>;
  }
}
