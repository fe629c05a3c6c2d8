import { type Data, makeData, type Struct } from 'apache-arrow';
import type { ColumnPlan, ScalarPlan } from './column-plan.js';
import type { BufferMaker, GroupStore } from './column-store.js';
import { fillValidity, type PresenceSummary, summarizePresence } from './validity.js';

/**
 * Builds the Arrow data of the root struct from the decoded row groups (`rows[g]`: rows used in group `g`).
 * Arrays are handed over as views into the arenas, not copied (string data only when a value was
 * overwritten or a failed record undone left unused bytes in it); validity bitmaps are written into their
 * arena slots from the rows' presence words.
 */
export function buildData(
  root: ColumnPlan,
  groups: readonly GroupStore[],
  rows: readonly number[],
): Data<Struct> {
  // Each presence word slot is summarised once and shared by its (up to 32) columns.
  const summaries = new Map<string, PresenceSummary>();
  const validity = (plan: ColumnPlan, group: GroupStore, length: number): Uint8Array => {
    const slot = group.layout.slots.get(plan.id)!;
    const words = group.wordSlot(slot.presence, length);
    const key = `${plan.group.id}:${slot.presence}`;
    let summary = summaries.get(key);
    if (summary === undefined) {
      summary = summarizePresence(words);
      summaries.set(key, summary);
    }
    const bitmap = group.bitmapSlot(slot.validity, length);
    fillValidity(words, slot.presenceBit, summary, bitmap);
    return bitmap;
  };
  const build = (plan: ColumnPlan): Data => {
    const group = groups[plan.group.id]!;
    const slot = group.layout.slots.get(plan.id)!;
    const length = rows[plan.group.id]!;
    const nullable = plan.field.nullable ? { nullBitmap: validity(plan, group, length) } : {};
    switch (plan.kind) {
      case 'struct':
        return makeData({ type: plan.field.type, length, ...nullable, children: plan.children.map(build) });
      case 'list':
      case 'map': {
        const valueOffsets = fillOffsets(group.wordSlot(slot.offsets, length + 1));
        return makeData({
          type: plan.field.type,
          length,
          ...nullable,
          valueOffsets,
          child: build(plan.element),
        });
      }
      case 'scalar':
        return buildScalar(plan, group, length, nullable);
    }
  };
  return build(root) as Data<Struct>;
}

function buildScalar(
  plan: ScalarPlan,
  group: GroupStore,
  length: number,
  nullable: { nullBitmap?: Uint8Array },
): Data {
  const type = plan.field.type;
  const slot = group.layout.slots.get(plan.id)!;
  switch (plan.storage) {
    case 'w32':
    case 'w64': {
      const words = group.wordSlot(slot.words, length * slot.wordsPerRow);
      if (type.ArrayType === Int16Array || type.ArrayType === Int8Array) {
        // A narrow table column (values were range-checked while decoding): one copy into its width.
        const Narrow = type.ArrayType as Int16ArrayConstructor;
        const data = new Narrow(group.newBuffer(length * Narrow.BYTES_PER_ELEMENT));
        data.set(words);
        return makeData({ type, length, ...nullable, data });
      }
      // The same bytes, seen as the column's own element type (Float32Array, BigInt64Array, …).
      const data = new (type.ArrayType as Int32ArrayConstructor)(words.buffer, words.byteOffset, length);
      return makeData({ type, length, ...nullable, data });
    }
    case 'bool':
      return makeData({ type, length, ...nullable, data: group.bitmapSlot(slot.bits, length) });
    case 'bytes': {
      const starts = group.wordSlot(slot.start, length + 1);
      const lengths = group.wordSlot(slot.length, length);
      const appended = group.data.get(plan.id)!;
      const { valueOffsets, data } = packBytes(starts, lengths, appended, group.newBuffer);
      return makeData({ type, length, ...nullable, valueOffsets, data });
    }
  }
}

/**
 * Completes lazily written list offsets: a decoder writes `offsets[row + 1]` only for rows whose message it
 * decoded, so a row it never visited (an absent parent) keeps 0; it has no elements, so its end is the end
 * of the row before it.
 */
function fillOffsets(offsets: Int32Array): Int32Array {
  offsets[0] = 0;
  let end = 0;
  for (let row = 1; row < offsets.length; row++) {
    const value = offsets[row]!;
    if (value < end) offsets[row] = end;
    else end = value;
  }
  return offsets;
}

/**
 * Offsets and data of a string or binary column. Values were appended in row order, so the data is already
 * packed unless a value was overwritten (a field sent twice) or a failed record was undone: then it is
 * compacted. `starts` (the values' offsets into `appended`, with room for one more entry) becomes the
 * offsets when the data is packed: they are the same numbers, except that a null row's start is 0.
 */
function packBytes(
  starts: Int32Array,
  lengths: Int32Array,
  appended: Uint8Array,
  newBuffer: BufferMaker,
): { valueOffsets: Int32Array; data: Uint8Array } {
  // One pass turns starts into offsets while the values prove packed (each starts where the one before
  // ended; an empty value's start does not matter). Rows already passed were packed, so their starts were
  // their offsets: a row that breaks the run is compacted with the rest from there on.
  const rows = lengths.length;
  let end = 0;
  let row = 0;
  for (; row < rows; row++) {
    const size = lengths[row]!;
    if (size !== 0 && starts[row] !== end) break;
    starts[row] = end;
    end += size;
  }
  if (row === rows) {
    starts[rows] = end;
    return { valueOffsets: starts, data: appended.subarray(0, end) };
  }
  let total = end;
  for (let rest = row; rest < rows; rest++) total += lengths[rest]!;
  const valueOffsets = new Int32Array(newBuffer((rows + 1) * 4));
  const data = new Uint8Array(newBuffer(total));
  valueOffsets.set(starts.subarray(0, row));
  data.set(appended.subarray(0, end));
  for (; row < rows; row++) {
    const from = starts[row]!;
    const size = lengths[row]!;
    valueOffsets[row] = end;
    data.set(appended.subarray(from, from + size), end);
    end += size;
  }
  valueOffsets[rows] = end;
  return { valueOffsets, data };
}
