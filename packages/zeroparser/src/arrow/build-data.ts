import { type Data, makeData, type Struct } from 'apache-arrow';
import type { ColumnPlan, ScalarPlan } from './column-plan.js';
import type { ColumnStore, GroupStore } from './column-store.js';

/** What a decoded batch holds before it becomes Arrow data. */
export interface DecodedColumns {
  readonly groups: readonly GroupStore[];
  /** Rows used in each row group (the top group: the number of records decoded). */
  readonly rows: readonly number[];
  /** The input, for `bytes` columns that still point into it. */
  readonly records: readonly Uint8Array[];
  /** Default values of `bytes` columns, used where a store's record index is -1. */
  readonly defaults: ReadonlyMap<number, Uint8Array>;
}

/**
 * Builds the Arrow data of the root struct from the decoded stores. Arrays are handed over as views, not
 * copied; only string and binary values are copied, once, from the input into their column's buffer.
 */
export function buildData(root: ColumnPlan, decoded: DecodedColumns): Data<Struct> {
  const storeOf = new Map<number, ColumnStore>();
  for (const group of decoded.groups) for (const store of group.stores) storeOf.set(store.plan.id, store);
  const build = (plan: ColumnPlan): Data => {
    const store = storeOf.get(plan.id)!;
    const length = decoded.rows[plan.group.id]!;
    const nullBitmap = plan.field.nullable ? bitmapView(plan, store, length) : undefined;
    const nullable = nullBitmap === undefined ? {} : { nullBitmap };
    switch (plan.kind) {
      case 'struct':
        return makeData({ type: plan.field.type, length, ...nullable, children: plan.children.map(build) });
      case 'list':
      case 'map': {
        const valueOffsets = fillOffsets(store.offsets, length);
        return makeData({ type: plan.field.type, length, ...nullable, valueOffsets, child: build(plan.element) });
      }
      case 'scalar':
        return buildScalar(plan, store, length, nullable, decoded);
    }
  };
  return build(root) as Data<Struct>;
}

function buildScalar(
  plan: ScalarPlan,
  store: ColumnStore,
  length: number,
  nullable: { nullBitmap?: Uint8Array },
  decoded: DecodedColumns,
): Data {
  const type = plan.field.type;
  const buffer = store.words.buffer;
  switch (plan.storage) {
    case 'w32': {
      const data = new (type.ArrayType as Int32ArrayConstructor)(buffer, 0, length);
      return makeData({ type, length, ...nullable, data });
    }
    case 'w64': {
      const data = new (type.ArrayType as Int32ArrayConstructor)(buffer, 0, length);
      return makeData({ type, length, ...nullable, data });
    }
    case 'bool':
      return makeData({ type, length, ...nullable, data: store.bits.subarray(0, (length + 7) >>> 3) });
    case 'bytes': {
      const { valueOffsets, data } = gatherBytes(store, length, decoded.records, decoded.defaults.get(plan.id));
      return makeData({ type, length, ...nullable, valueOffsets, data });
    }
  }
}

function bitmapView(plan: ColumnPlan, store: ColumnStore, length: number): Uint8Array {
  const bits = plan.kind === 'scalar' && plan.storage === 'bool' ? store.validity : store.bits;
  return bits.subarray(0, (length + 7) >>> 3);
}

/**
 * Completes lazily written list offsets: a decoder writes `offsets[row + 1]` only for rows whose message it
 * decoded, so a row it never visited (an absent parent) keeps 0; it has no elements, so its end is the end
 * of the row before it.
 */
function fillOffsets(offsets: Int32Array, length: number): Int32Array {
  let end = 0;
  for (let row = 1; row <= length; row++) {
    const value = offsets[row]!;
    if (value < end) offsets[row] = end;
    else end = value;
  }
  return offsets.subarray(0, length + 1);
}

/** Copies every value's bytes from the input into one buffer, in row order. */
function gatherBytes(
  store: ColumnStore,
  length: number,
  records: readonly Uint8Array[],
  fallback: Uint8Array | undefined,
): { valueOffsets: Int32Array; data: Uint8Array } {
  const { record, start, length: lengths } = store;
  const valueOffsets = new Int32Array(length + 1);
  let total = 0;
  for (let row = 0; row < length; row++) {
    total += lengths[row]!;
    valueOffsets[row + 1] = total;
  }
  const data = new Uint8Array(total);
  let out = 0;
  for (let row = 0; row < length; row++) {
    const size = lengths[row]!;
    if (size === 0) continue;
    const index = record[row]!;
    const source = index < 0 ? fallback! : records[index]!;
    let from = index < 0 ? 0 : start[row]!;
    if (size < 48) {
      // Short values: a byte loop beats creating a subarray view per value.
      for (const stop = out + size; out < stop; ) data[out++] = source[from++]!;
    } else {
      data.set(source.subarray(from, from + size), out);
      out += size;
    }
  }
  return { valueOffsets, data };
}
