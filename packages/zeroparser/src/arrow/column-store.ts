import type { RowGroup } from './column-plan.js';
import { bitmapStride, type GroupLayout, layoutGroup, wordStride } from './group-layout.js';

/** Makes the zeroed memory a batch is built in (see `ParserOptions.sharedMemory`). */
export type BufferMaker = (bytes: number) => ArrayBuffer | SharedArrayBuffer;
/** Plain `ArrayBuffer`s (the default). */
export const plainBuffers: BufferMaker = (bytes) => new ArrayBuffer(bytes);
/** `SharedArrayBuffer`s: a batch built in them can be posted to a worker thread without a copy. */
export const sharedBuffers: BufferMaker = (bytes) => new SharedArrayBuffer(bytes);

/**
 * The arena one row group is decoded into: `words` holds every Int32 array of the group, `bitmaps` every
 * bitmap, at the slots `layout` assigns (see `layoutGroup`). Both are views of one zeroed ArrayBuffer, and
 * zero is what an absent value is (zero, null bit clear), so decoders write only what records hold.
 * String and binary values are appended to a buffer per column (`data`, `dataEnd` bytes used).
 */
export class GroupStore {
  readonly layout: GroupLayout;
  capacity = 0;
  words: Int32Array = new Int32Array(0);
  bitmaps: Uint8Array = new Uint8Array(0);
  readonly data = new Map<number, Uint8Array>();
  readonly dataEnd = new Map<number, number>();

  /**
   * `dataBytesPerRow`: expected bytes per row of each `bytes` column, by column id (sizes `data`);
   * `newBuffer`: where every array of the store (and of the batch built from it) is allocated.
   */
  constructor(
    readonly group: RowGroup,
    capacity: number,
    dataBytesPerRow: ReadonlyMap<number, number>,
    readonly newBuffer: BufferMaker = plainBuffers,
  ) {
    this.layout = layoutGroup(group);
    this.grow(capacity);
    for (const column of group.columns) {
      if (column.kind === 'scalar' && column.storage === 'bytes') {
        const bytes = Math.ceil((dataBytesPerRow.get(column.id) ?? 16) * this.capacity) + 64;
        this.data.set(column.id, new Uint8Array(newBuffer(bytes)));
        this.dataEnd.set(column.id, 0);
      }
    }
  }

  get wordStride(): number {
    return wordStride(this.capacity);
  }

  get bitmapStride(): number {
    return bitmapStride(this.capacity);
  }

  /** Makes room for at least `rows` rows (doubling), moving what was written to the new strides. */
  grow(rows: number): void {
    if (rows <= this.capacity) return;
    const capacity = Math.max(rows, this.capacity * 2, 8);
    const { words, bitmaps } = this.allocate(capacity);
    if (this.capacity > 0) {
      const stride = wordStride(capacity);
      const bitStride = bitmapStride(capacity);
      // Move array by array: a 64-bit column's array spans two slots, so slots cannot be moved one by one.
      const oldStride = this.wordStride;
      const oldBitStride = this.bitmapStride;
      const rows = this.capacity;
      for (const slot of this.layout.slots.values()) {
        const move = (k: number, entries: number): void => {
          if (k >= 0) words.set(this.words.subarray(k * oldStride, k * oldStride + entries), k * stride);
        };
        move(slot.words, rows * slot.wordsPerRow);
        move(slot.start, rows);
        move(slot.length, rows);
        move(slot.offsets, rows + 1);
        // Validity bitmaps are only built after decoding (from the presence words).
        for (const k of [slot.bits, slot.seen]) {
          if (k >= 0)
            bitmaps.set(
              this.bitmaps.subarray(k * oldBitStride, k * oldBitStride + ((rows + 7) >>> 3)),
              k * bitStride,
            );
        }
      }
      for (const k of this.layout.presenceSlots)
        words.set(this.words.subarray(k * oldStride, k * oldStride + rows), k * stride);
    }
    this.words = words;
    this.bitmaps = bitmaps;
    this.capacity = capacity;
  }

  /** A zeroed arena for `capacity` rows (views of one new ArrayBuffer). */
  private allocate(capacity: number): { words: Int32Array; bitmaps: Uint8Array } {
    const { wordSlots, bitmapSlots } = this.layout;
    const stride = wordStride(capacity);
    const arena = this.newBuffer(wordSlots * stride * 4 + bitmapSlots * bitmapStride(capacity));
    return {
      words: new Int32Array(arena, 0, wordSlots * stride),
      bitmaps: new Uint8Array(arena, wordSlots * stride * 4, bitmapSlots * bitmapStride(capacity)),
    };
  }

  /**
   * Readies a store whose batch was released for a batch of `rows` rows: a new arena when it is too small,
   * else the same one, zeroed when `zero` (decoders write only what records hold, so a group decoded in place
   * needs zeros; the top-level group, whose every row is written by tile flushes, does not).
   */
  reuse(rows: number, zero: boolean): void {
    if (rows > this.capacity) {
      const { words, bitmaps } = this.allocate(rows);
      this.words = words;
      this.bitmaps = bitmaps;
      this.capacity = rows;
    } else if (zero) {
      this.words.fill(0);
      this.bitmaps.fill(0);
    }
    for (const column of this.dataEnd.keys()) this.dataEnd.set(column, 0);
  }

  /** Makes room for `bytes` bytes in a `bytes` column's data buffer; returns the new buffer. */
  growData(columnId: number, used: number, bytes: number): Uint8Array {
    const old = this.data.get(columnId)!;
    const next = new Uint8Array(this.newBuffer(Math.max(bytes, old.length * 2)));
    next.set(old.subarray(0, used));
    this.data.set(columnId, next);
    return next;
  }

  /** A word slot's entries for `rows` rows (a view into the arena). */
  wordSlot(slot: number, entries: number): Int32Array {
    return this.words.subarray(slot * this.wordStride, slot * this.wordStride + entries);
  }

  /** A bitmap slot's bytes for `rows` rows (a view into the arena). */
  bitmapSlot(slot: number, rows: number): Uint8Array {
    return this.bitmaps.subarray(slot * this.bitmapStride, slot * this.bitmapStride + ((rows + 7) >>> 3));
  }

  /**
   * Copies this store's rows `[0, rows)` into `target` at rows `[base, base + rows)`, then empties this
   * store. Used with a small store as a tile: decoders write a few hundred rows into the tile, which stays in
   * cache, and the tile is flushed to the batch with one sequential copy per array (`target` must have room
   * for `base + capacity` rows, and `base` must be a multiple of 8 so bitmaps copy whole bytes).
   */
  flushTo(target: GroupStore, base: number): void {
    const views = this.slotViews();
    const stride = target.wordStride;
    const bitStride = target.bitmapStride;
    for (const { slot, view, perRow, skip } of views.words)
      target.words.set(view, slot * stride + base * perRow + skip);
    for (const { slot, view } of views.bitmaps) target.bitmaps.set(view, slot * bitStride + (base >>> 3));
    this.reset();
  }

  /** Empties every row (not the string data, which belongs to the batch). */
  reset(): void {
    this.words.fill(0);
    this.bitmaps.fill(0);
  }

  private views: { words: SlotView[]; bitmaps: SlotView[] } | undefined;

  /** One view per slot of this store (made once: flushing allocates nothing). */
  private slotViews(): { words: SlotView[]; bitmaps: SlotView[] } {
    if (this.views) return this.views;
    const words: SlotView[] = [];
    const bitmaps: SlotView[] = [];
    const stride = this.wordStride;
    const bitStride = this.bitmapStride;
    const rows = this.capacity;
    for (const slot of this.layout.slots.values()) {
      if (slot.words >= 0) {
        const from = slot.words * stride;
        words.push({
          slot: slot.words,
          perRow: slot.wordsPerRow,
          skip: 0,
          view: this.words.subarray(from, from + rows * slot.wordsPerRow),
        });
      }
      for (const k of [slot.start, slot.length]) {
        if (k >= 0)
          words.push({
            slot: k,
            perRow: 1,
            skip: 0,
            view: this.words.subarray(k * stride, k * stride + rows),
          });
      }
      // Offsets are written at `row + 1`: entries 1..rows belong to this tile's rows.
      if (slot.offsets >= 0) {
        const from = slot.offsets * stride + 1;
        words.push({ slot: slot.offsets, perRow: 1, skip: 1, view: this.words.subarray(from, from + rows) });
      }
      for (const k of [slot.bits, slot.seen]) {
        if (k >= 0)
          bitmaps.push({
            slot: k,
            perRow: 0,
            skip: 0,
            view: this.bitmaps.subarray(k * bitStride, k * bitStride + (rows >>> 3)),
          });
      }
    }
    for (const k of this.layout.presenceSlots)
      words.push({ slot: k, perRow: 1, skip: 0, view: this.words.subarray(k * stride, k * stride + rows) });
    this.views = { words, bitmaps };
    return this.views;
  }

  /** Returns rows `[from, to)` to their fresh (absent) state: used to undo a record that failed. */
  clear(from: number, to: number): void {
    if (to <= from) return;
    const stride = this.wordStride;
    for (const slot of this.layout.slots.values()) {
      if (slot.words >= 0) {
        const base = slot.words * stride;
        this.words.fill(0, base + from * slot.wordsPerRow, base + to * slot.wordsPerRow);
      }
      for (const k of [slot.start, slot.length])
        if (k >= 0) this.words.fill(0, k * stride + from, k * stride + to);
      if (slot.offsets >= 0)
        this.words.fill(0, slot.offsets * stride + from + 1, slot.offsets * stride + to + 1);
      for (const k of [slot.bits, slot.seen]) {
        if (k < 0) continue;
        const base = k * this.bitmapStride;
        for (let row = from; row < to; row++) this.bitmaps[base + (row >>> 3)]! &= ~(1 << (row & 7));
      }
    }
    for (const k of this.layout.presenceSlots) this.words.fill(0, k * stride + from, k * stride + to);
  }
}

interface SlotView {
  readonly slot: number;
  readonly perRow: number;
  readonly skip: number;
  readonly view: Int32Array | Uint8Array;
}
