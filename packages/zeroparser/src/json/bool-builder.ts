import { type Bool, type Data, type Field, makeData } from 'apache-arrow';
import { BitBuffer } from './bit-buffer.js';
import { ColumnBuilder, validityProps } from './column-builder.js';

/** Column builder of Bool: the values are a bitmap, like the validity. */
export class BoolBuilder extends ColumnBuilder<Bool> {
  readonly #values = new BitBuffer(64);

  constructor(field: Field<Bool>) {
    super(field);
  }

  /** Appends a valid row holding `value`. */
  append(value: boolean): void {
    this.#values.write(this.length, value);
    this.commit(true);
  }

  protected writePlaceholder(): void {
    this.#values.write(this.length, false);
  }

  protected buildData(length: number, nullBitmap: Uint8Array | undefined, nullCount: number): Data<Bool> {
    const data = this.#values.take(length);
    return makeData({ type: this.field.type, length, data, ...validityProps(nullBitmap, nullCount) });
  }
}
