import { runtimeHelpers } from './runtime-helpers.js';

const bufferOf = runtimeHelpers.bufferOf;

/** Bytes of a parser's first input arena: a few hundred records of ~1 KB, small enough to stay in L2. */
export const ARENA_BYTES = 256 * 1024;

/**
 * The input arena: the one buffer every record is copied into, back to back, before it is decoded. The
 * generated decoder holds it as a constant of its closure (like the top-level tile), so TurboFan embeds its
 * address and length in the machine code: a read is a bounds compare and a load, where a record passed as a
 * parameter costs a map check and reloads of its length and data pointer at every field (ClickBench: ~100
 * instructions per field before, ~55 after). The arena also spares the decoder records with no room after
 * them (each record is followed by `padding` bytes here) and one `DataView` per record buffer. Copying costs
 * one `set` per run of records that are adjacent in one buffer (the usual batch sliced from a request) or per
 * record otherwise. Offsets inside a copied record are relative to `start(i)`.
 */
export class RecordArena {
  readonly bytes: Uint8Array;
  private starts = new Int32Array(0);

  constructor(size: number) {
    this.bytes = new Uint8Array(size);
  }

  /** The arena size that holds a record of `recordBytes` bytes with its padding. */
  static sizeFor(recordBytes: number, padding: number): number {
    return Math.max(ARENA_BYTES, 2 ** Math.ceil(Math.log2(recordBytes + padding)));
  }

  /** Whether every record of `records` up to `maxBytes` fits this arena alone, with `padding` bytes after it. */
  holds(records: readonly Uint8Array[], maxBytes: number, padding: number): boolean {
    const room = this.bytes.length - padding;
    for (const record of records) if (record.length > room && record.length <= maxBytes) return false;
    return true;
  }

  /**
   * Copies `records[from ..]` back to back, at most `count` of them and as many as fit with `padding` bytes
   * after the last; records over `maxBytes` are skipped (they fail before decoding) but counted. Returns how
   * many were taken (at least one when `holds` said so); `start(k)` is where record `from + k` begins.
   */
  fill(
    records: readonly Uint8Array[],
    from: number,
    count: number,
    maxBytes: number,
    padding: number,
  ): number {
    const room = this.bytes.length - padding;
    const last = Math.min(records.length, from + count);
    if (this.starts.length < count) this.starts = new Int32Array(Math.max(count, 2 * this.starts.length));
    let at = 0;
    // A run: records adjacent in one buffer (`runFirst` the first, `runBuffer` its buffer once looked up),
    // copied with one `set` to `runFrom`. A record that does not start where the run ends needs no lookup.
    let runFirst: Uint8Array | undefined;
    let runBuffer: ArrayBufferLike | undefined;
    let runEnd = 0;
    let runFrom = 0;
    let index = from;
    for (; index < last; index++) {
      const record = records[index]!;
      this.starts[index - from] = at;
      if (record.length > maxBytes) continue;
      if (at + record.length > room) break;
      if (runFirst !== undefined && record.byteOffset === runEnd && runBuffer === undefined)
        runBuffer = bufferOf.call(runFirst);
      if (runFirst === undefined || record.byteOffset !== runEnd || bufferOf.call(record) !== runBuffer) {
        if (runFirst !== undefined) this.copy(runFirst, runEnd, runFrom);
        runFirst = record;
        runBuffer = undefined;
        runFrom = at;
      }
      runEnd = record.byteOffset + record.length;
      at += record.length;
    }
    if (runFirst !== undefined) this.copy(runFirst, runEnd, runFrom);
    return index - from;
  }

  /** Where record `from + k` of the last `fill` begins. */
  start(k: number): number {
    return this.starts[k]!;
  }

  /** Copies the run from `first` to `end` (in `first`'s buffer) to `at`: a record alone needs no new view. */
  private copy(first: Uint8Array, end: number, at: number): void {
    const length = end - first.byteOffset;
    const run =
      length === first.length ? first : new Uint8Array(bufferOf.call(first), first.byteOffset, length);
    this.bytes.set(run, at);
  }
}
