import { type Data, type Field, makeData, type Struct } from 'apache-arrow';
import { ColumnBuilder, validityProps } from './column-builder.js';

/**
 * Column builder of Struct (and of the record itself, a non-nullable struct of the schema's fields, and of
 * a map's entries). The children hold the values; every row appends exactly one row to each child.
 */
export class StructBuilder extends ColumnBuilder<Struct> {
  readonly children: readonly ColumnBuilder[];

  constructor(field: Field<Struct>, children: readonly ColumnBuilder[]) {
    super(field);
    this.children = children;
  }

  /** Finishes a valid row whose children have each had their value appended. */
  appendValid(): void {
    this.commit(true);
  }

  /** A null struct row still takes a row of every child: their placeholders. */
  protected writePlaceholder(): void {
    for (const child of this.children) child.appendNull();
  }

  protected override truncateValues(length: number): void {
    for (const child of this.children) child.truncate(length);
  }

  protected buildData(length: number, nullBitmap: Uint8Array | undefined, nullCount: number): Data<Struct> {
    const children = this.children.map((child) => child.finish());
    return makeData({ type: this.field.type, length, children, ...validityProps(nullBitmap, nullCount) });
  }
}
