import { runtimeHelpers } from './runtime-helpers.js';

const bufferOf = runtimeHelpers.bufferOf;

/**
 * One buffer a batch's records are copied into, back to back, when they arrive each in an ArrayBuffer of its
 * own (single-record requests, records that were never contiguous). Decoding them in place costs a
 * `DataView` per record (the decoder reads fixed values and tags through one) or, for a record with no room
 * after it, a copy plus the bookkeeping per record; one copy of the whole batch into a buffer that is reused
 * batch after batch costs less (NEOWISE-like records, each alone: 0.60–0.69× the bare walk before, 0.88–0.89×
 * after; bench/README.md). Offsets inside a gathered record are relative to `start(i)`.
 */
export class RecordArena {
  private bytes = new Uint8Array(0);
  private starts = new Int32Array(0);

  /**
   * Whether `records` look like one buffer each: the first two sit in different ArrayBuffers. A guess that
   * costs two getter calls; either way every record decodes correctly, only the speed differs.
   */
  static suits(records: readonly Uint8Array[]): boolean {
    return records.length >= 2 && bufferOf.call(records[0]!) !== bufferOf.call(records[1]!);
  }

  /**
   * Copies `records` back to back with `padding` bytes after the last, skipping those over `maxBytes` (they
   * fail before decoding). Returns the buffer; `start(i)` is where record `i` begins in it.
   */
  gather(records: readonly Uint8Array[], maxBytes: number, padding: number): Uint8Array {
    let total = padding;
    for (const record of records) if (record.length <= maxBytes) total += record.length;
    if (this.bytes.length < total) this.bytes = new Uint8Array(Math.max(total, 2 * this.bytes.length));
    if (this.starts.length < records.length) this.starts = new Int32Array(records.length);
    let at = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      this.starts[i] = at;
      if (record.length > maxBytes) continue;
      this.bytes.set(record, at);
      at += record.length;
    }
    return this.bytes;
  }

  /** Where record `index` of the last `gather` begins. */
  start(index: number): number {
    return this.starts[index]!;
  }
}
