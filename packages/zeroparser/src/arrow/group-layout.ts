import { needsPresenceCheck } from '../descriptor/model.js';
import type { ColumnPlan, RowGroup } from './column-plan.js';

/** Where a column's arrays sit in its row group's arena: slot numbers, or -1 when it has no such array. */
export interface ColumnSlots {
  /** Word slot of the values (`w32`: one slot; `w64`: two consecutive slots, read as pairs). */
  readonly words: number;
  /** Int32 entries a row takes in `words`: 2 for `w64`, else 1. */
  readonly wordsPerRow: number;
  /** Word slots of a `bytes` column's value starts and lengths. */
  readonly start: number;
  readonly length: number;
  /** Word slot of a list's offsets (`cap + 1` entries fit: a word stride is at least `cap + 2`). */
  readonly offsets: number;
  /** Bitmap slot of a `bool` column's values. */
  readonly bits: number;
  /**
   * A nullable column's presence: decoders set bit `presenceBit` of the row's word in word slot `presence`
   * (see `layoutGroup`), and the validity bitmap (bitmap slot `validity`) is built from it with the batch.
   */
  readonly presence: number;
  readonly presenceBit: number;
  readonly validity: number;
  /** Bitmap slot recording that the field was seen (required fields and fields with defaults only). */
  readonly seen: number;
}

/** The arena layout of one row group: how many word and bitmap slots, and which column owns which. */
export interface GroupLayout {
  readonly wordSlots: number;
  readonly bitmapSlots: number;
  readonly slots: ReadonlyMap<number, ColumnSlots>;
  /** Word slots of the presence words, in bit order (32 nullable columns per word). */
  readonly presenceSlots: readonly number[];
}

/**
 * Assigns arena slots to the arrays of a row group's columns. An arena of capacity `cap` is one ArrayBuffer:
 * `wordSlots` Int32 arrays of `wordStride(cap)` entries, then `bitmapSlots` bitmaps of `bitmapStride(cap)`
 * bytes. Array `k` starts at `k * stride`, so generated code addresses row `r` of it as `A[k * S + r]` with the
 * arena `A` and stride `S` in locals: no per-column array lookups on the hot path. 64-bit columns come first
 * so that their slots stay 8-byte aligned.
 */
export function layoutGroup(group: RowGroup): GroupLayout {
  const slots = new Map<number, ColumnSlots>();
  let words = 0;
  let bitmaps = 0;
  const tracked = new Set<number>();
  for (const column of group.columns) {
    if (column.kind !== 'struct') continue;
    column.message.fields.forEach((field, i) => {
      if (needsPresenceCheck(field)) tracked.add(column.children[i]!.id);
    });
  }
  const ordered = [...group.columns].sort((a, b) => Number(is64(b)) - Number(is64(a)));
  for (const column of ordered) {
    const slot = {
      words: -1,
      wordsPerRow: 1,
      start: -1,
      length: -1,
      offsets: -1,
      bits: -1,
      presence: -1,
      presenceBit: 0,
      validity: -1,
      seen: -1,
    };
    if (column.kind === 'scalar') {
      if (column.storage === 'w64') {
        slot.words = words;
        slot.wordsPerRow = 2;
        words += 2;
      }
      if (column.storage === 'w32') slot.words = words++;
      if (column.storage === 'bytes') {
        slot.start = words++;
        slot.length = words++;
      }
      if (column.storage === 'bool') slot.bits = bitmaps++;
    }
    if (column.kind === 'list' || column.kind === 'map') slot.offsets = words++;
    if (tracked.has(column.id)) slot.seen = bitmaps++;
    slots.set(column.id, slot);
  }
  // Presence bits in column order (a message's fields are consecutive columns), their words last.
  const nullable = group.columns.filter((c) => c.field.nullable);
  const presenceSlots = Array.from({ length: Math.ceil(nullable.length / 32) }, () => words++);
  nullable.forEach((column, bit) => {
    const slot = slots.get(column.id)!;
    slots.set(column.id, {
      ...slot,
      presence: presenceSlots[bit >>> 5]!,
      presenceBit: bit & 31,
      validity: bitmaps++,
    });
  });
  return { wordSlots: words, bitmapSlots: bitmaps, slots, presenceSlots };
}

/**
 * Rows per tile: top-level rows are decoded into a tile of this many rows, small enough to stay in L2 cache
 * (~100 KB for the NEOWISE-like record), then flushed to the batch (see `GroupStore.flushTo`). Fixed, so
 * generated code addresses the tile with constant strides. 256 rather than 128: half the flushes, +3% on
 * NEOWISE and +1% on ClickBench (`bench/`, side by side).
 */
export const TILE_ROWS = 256;

/*
 * Strides are an odd number of 64-byte cache lines. A decoder writes row `r` of every slot at once; with
 * power-of-two strides those addresses all fall into the same L1 cache set and evict each other (measured:
 * ~1.6× slower on the NEOWISE-like record). An odd line count spreads consecutive slots over every set.
 */

/** Int32 entries between consecutive word slots: room for `cap + 1` offsets, an odd number of cache lines. */
export function wordStride(capacity: number): number {
  return oddLines(capacity + 1, 16);
}

/** Bytes between consecutive bitmaps: `cap` bits, an odd number of cache lines. */
export function bitmapStride(capacity: number): number {
  return oddLines((capacity + 7) >>> 3, 64);
}

/** The smallest odd multiple of `perLine` that is at least `entries`. */
function oddLines(entries: number, perLine: number): number {
  const lines = Math.ceil(entries / perLine);
  return (lines | 1) * perLine;
}

function is64(column: ColumnPlan): boolean {
  return column.kind === 'scalar' && column.storage === 'w64';
}
