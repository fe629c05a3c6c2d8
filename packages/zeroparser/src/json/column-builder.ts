import type { Data, DataType, Field } from 'apache-arrow';
import { BitBuffer } from './bit-buffer.js';

/**
 * The part every column builder shares: a row count, and for a nullable field a validity bitmap and a null
 * count. Subclasses store the values; they write the value of row `length` and then call `commit`.
 *
 * Rows are appended one record at a time; a record that fails is undone with `truncate(rowsBefore)`, which
 * each builder forwards to its children (a struct's children have the same rows, a list's child has
 * `offsets[rows]` rows), so no per-record bookkeeping is needed on the happy path.
 */
export abstract class ColumnBuilder<T extends DataType = DataType> {
  /** Rows appended so far. */
  length = 0;
  /** Null rows among them (always 0 for a non-nullable field). */
  nullCount = 0;
  readonly field: Field<T>;
  readonly #validity: BitBuffer | undefined;

  constructor(field: Field<T>) {
    this.field = field;
    this.#validity = field.nullable ? new BitBuffer(64) : undefined;
  }

  /** Finishes a row whose value has been written; `valid` is false for a null row. */
  protected commit(valid: boolean): void {
    if (this.#validity !== undefined) {
      this.#validity.write(this.length, valid);
      if (!valid) this.nullCount++;
    }
    this.length++;
  }

  /**
   * Appends a null row. For a non-nullable field (a required child of a null struct) the row holds a
   * placeholder: zero, an empty string, an empty list.
   */
  appendNull(): void {
    this.writePlaceholder();
    this.commit(false);
  }

  /** Writes the placeholder value of row `length` (without committing it). */
  protected abstract writePlaceholder(): void;

  /**
   * Drops every row from `length` on, recounting the nulls among the dropped rows. Children are truncated
   * even when this builder has no row to drop: a failed record may have appended to them before this
   * builder's own row was committed.
   */
  truncate(length: number): void {
    if (length >= this.length) {
      this.truncateValues(this.length);
      return;
    }
    const validity = this.#validity;
    if (validity !== undefined && this.nullCount > 0) {
      const bytes = validity.bytes;
      for (let i = length; i < this.length; i++) {
        if ((bytes[i >>> 3]! & (1 << (i & 7))) === 0) this.nullCount--;
      }
    }
    this.truncateValues(length);
    this.length = length;
  }

  /** Drops the values (and children's rows) of rows `length` and later. */
  protected truncateValues(_length: number): void {}

  /**
   * Builds the Arrow `Data` of the rows appended so far and empties the builder for the next batch; the
   * buffers move into the `Data` (no copy), the builder starts new ones of a similar size.
   */
  finish(): Data<T> {
    const length = this.length;
    const nullBitmap = this.#validity?.take(length);
    const data = this.buildData(length, this.nullCount > 0 ? nullBitmap : undefined, this.nullCount);
    this.length = 0;
    this.nullCount = 0;
    return data;
  }

  /** Builds the `Data` of `length` rows; `nullBitmap` is undefined when no row is null. */
  protected abstract buildData(
    length: number,
    nullBitmap: Uint8Array | undefined,
    nullCount: number,
  ): Data<T>;
}

/** The `makeData` properties of the validity of a column: none at all when no row is null. */
export function validityProps(
  nullBitmap: Uint8Array | undefined,
  nullCount: number,
): { nullBitmap?: Uint8Array; nullCount: number } {
  return nullBitmap === undefined ? { nullCount: 0 } : { nullBitmap, nullCount };
}
