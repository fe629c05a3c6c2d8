import { type Data, type Field, type List, type Map_, makeData } from 'apache-arrow';
import { ColumnBuilder, validityProps } from './column-builder.js';
import { growInt32 } from './growable.js';

/** The Arrow types laid out as Int32 offsets into one child column. */
export type ListType = List | Map_;

/**
 * Column builder of List (child: the elements) and Map (child: the non-nullable `entries` struct of `key`
 * and `value`). The converter appends a row's elements to `child` first, then calls `appendValid`; row `i`
 * is child rows `offsets[i] .. offsets[i + 1]`.
 */
export class ListBuilder extends ColumnBuilder<ListType> {
  readonly child: ColumnBuilder;
  #offsets = new Int32Array(64);

  constructor(field: Field<ListType>, child: ColumnBuilder) {
    super(field);
    this.child = child;
  }

  /** Finishes a valid row made of the child rows appended since the previous row. */
  appendValid(): void {
    this.#close();
    this.commit(true);
  }

  /** A null list row, or the empty list a non-nullable one holds instead: no child rows. */
  protected writePlaceholder(): void {
    this.#close();
  }

  #close(): void {
    const index = this.length;
    if (index + 1 >= this.#offsets.length) this.#offsets = growInt32(this.#offsets, index + 2);
    this.#offsets[index + 1] = this.child.length;
  }

  protected override truncateValues(length: number): void {
    this.child.truncate(this.#offsets[length]!);
  }

  protected buildData(length: number, nullBitmap: Uint8Array | undefined, nullCount: number): Data<ListType> {
    const valueOffsets = this.#offsets.subarray(0, length + 1);
    this.#offsets = new Int32Array(Math.max(length + 1, 64));
    const child = this.child.finish();
    // One representative type for makeData's overloads: List and Map are laid out the same way.
    const type = this.field.type as List;
    return makeData({
      type,
      length,
      valueOffsets,
      child,
      ...validityProps(nullBitmap, nullCount),
    }) as Data<ListType>;
  }
}
