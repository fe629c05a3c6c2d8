import type { ColumnPlan, RowGroup } from './column-plan.js';

/**
 * The typed arrays one column is decoded into. Generated decoders write into them directly; `rows` is the
 * capacity. Freshly allocated arrays are zero, which is what an absent value is (zero, null bit clear), so
 * a decoder only writes what the record holds.
 */
export interface ColumnStore {
  readonly plan: ColumnPlan;
  /** `w32`: one word a row; `w64`: two (low, high); unused otherwise. */
  words: Int32Array;
  /** Validity bitmap (nullable columns and structs), or the values of a `bool` column. */
  bits: Uint8Array;
  /** `bool` columns that are nullable keep their validity here. */
  validity: Uint8Array;
  /** `bytes`: record index, start and length of each value. */
  record: Int32Array;
  start: Int32Array;
  length: Int32Array;
  /** `list` / `map`: end offset of each row's elements (lazily written, see `fillOffsets`). */
  offsets: Int32Array;
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_U8 = new Uint8Array(0);

/** The stores of one row group, grown together so a row index is valid in every one of them. */
export class GroupStore {
  capacity = 0;
  readonly stores: ColumnStore[];

  constructor(
    readonly group: RowGroup,
    capacity: number,
  ) {
    this.stores = group.columns.map((plan) => ({
      plan,
      words: EMPTY_I32,
      bits: EMPTY_U8,
      validity: EMPTY_U8,
      record: EMPTY_I32,
      start: EMPTY_I32,
      length: EMPTY_I32,
      offsets: EMPTY_I32,
    }));
    this.grow(capacity);
  }

  /** Makes room for at least `rows` rows (doubling), keeping what was written. */
  grow(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 8);
    for (const store of this.stores) resize(store, capacity);
    this.capacity = capacity;
  }

  /** Returns rows `[from, to)` to their fresh (absent) state: used to undo a record that failed. */
  clear(from: number, to: number): void {
    if (to <= from) return;
    for (const store of this.stores) {
      const { plan } = store;
      if (plan.kind === 'scalar') {
        if (plan.storage === 'w32') store.words.fill(0, from, to);
        if (plan.storage === 'w64') store.words.fill(0, from * 2, to * 2);
        if (plan.storage === 'bytes') {
          store.record.fill(0, from, to);
          store.start.fill(0, from, to);
          store.length.fill(0, from, to);
        }
        if (plan.storage === 'bool') clearBits(store.validity, from, to);
      }
      if (plan.kind === 'list' || plan.kind === 'map') store.offsets.fill(0, from + 1, to + 1);
      clearBits(store.bits, from, to);
    }
  }
}

function resize(store: ColumnStore, rows: number): void {
  const { plan } = store;
  const bytes = (rows + 7) >>> 3;
  const nullable = plan.field.nullable;
  if (plan.kind === 'scalar') {
    switch (plan.storage) {
      case 'w32':
        store.words = grown(store.words, rows);
        break;
      case 'w64':
        store.words = grown(store.words, rows * 2);
        break;
      case 'bool':
        if (nullable) store.validity = grownBytes(store.validity, bytes);
        break;
      case 'bytes':
        store.record = grown(store.record, rows);
        store.start = grown(store.start, rows);
        store.length = grown(store.length, rows);
        break;
    }
  }
  if (plan.kind === 'list' || plan.kind === 'map') store.offsets = grown(store.offsets, rows + 1);
  const bool = plan.kind === 'scalar' && plan.storage === 'bool';
  if (bool || nullable) store.bits = grownBytes(store.bits, bytes);
}

function grown(old: Int32Array, length: number): Int32Array {
  const next = new Int32Array(length);
  next.set(old);
  return next;
}

function grownBytes(old: Uint8Array, length: number): Uint8Array {
  const next = new Uint8Array(length);
  next.set(old);
  return next;
}

function clearBits(bits: Uint8Array, from: number, to: number): void {
  if (bits.length === 0) return;
  for (let row = from; row < to; row++) bits[row >>> 3]! &= ~(1 << (row & 7));
}
