import type { RecordBatch } from 'apache-arrow';

/** Decodes packed rows again (the record decoder that validated them: what it accepted once decodes again). */
export interface PackedRowsDecoder {
  /**
   * The records of `parts`, in order, as one batch with the table's schema, in memory of its own (nothing is
   * leased: the batch is garbage once committed). Throws only what decoding them the first time did not (out of
   * memory): the commit is then retried like any failed one.
   */
  decodePacked(parts: readonly PackedRows[]): RecordBatch;
}

/**
 * A small request's rows kept as their encoded records until their commit, instead of as a decoded batch: the
 * request was decoded once on arrival (so it is valid, and a failure is the producer's INVALID_ARGUMENT), that
 * batch's memory given back at once, and the commit decodes the records again together with their
 * neighbours' into one batch. A decoded batch of one row holds its arena and ~1 KiB of JavaScript objects per
 * column (~190 KB for a 63-column table, see `held-bytes.ts`), and the Parquet encoder spends ~6 ms on each batch
 * whatever its rows: packed, a one-record request holds its bytes plus {@link PACKED_ROWS_OVERHEAD_BYTES}, and a
 * backlog of them is encoded as a few large batches.
 */
export interface PackedRows {
  readonly kind: 'packed';
  readonly numRows: number;
  /**
   * One record when `numRows` is 1; otherwise the records as a batch message (`repeated bytes records = 1`,
   * what `splitRecordsMessage` reads). A copy: nothing of the request's buffers stays alive.
   */
  readonly bytes: Uint8Array;
  readonly decoder: PackedRowsDecoder;
}

/**
 * Memory one packed request keeps besides its bytes until it is published: the `PackedRows` and its view, the
 * publisher's `PendingBatch`, its WAL position (a bigint), its release closure and budget hold, the queue slot.
 * Measured as the growth of V8 heap + array buffers (after a full GC) of a node holding one-record requests
 * with its publishing stalled, less the records' bytes: 370 B per request between 11,498 and 34,502 requests of
 * 737-byte NEOWISE-like records (446-596 B per request at those counts, the stream's fixed costs included),
 * 735 B per request with 10-byte records (5,374 requests: `test/tiny-requests.test.ts` prints it). Counted as
 * 768.
 */
export const PACKED_ROWS_OVERHEAD_BYTES = 768;

/** Whether `rows` are packed records (not a decoded batch). */
export function isPacked(rows: RecordBatch | PackedRows): rows is PackedRows {
  return (rows as PackedRows).kind === 'packed';
}

/**
 * Where a decoder's packed records are copied: chunks of {@link PACK_CHUNK_BYTES} filled in turn, a record
 * larger than a quarter of one in memory of its own. Packed rows are published in the order they were packed,
 * so a chunk is freed soon after its last record's commit. Not Node's shared `Buffer` pool: its 8 KiB slabs
 * also serve short-lived buffers (grpc-js's), and one packed record kept a whole slab alive — measured at
 * ~770 bytes of dead memory per one-record request held.
 */
export class PackArena {
  #chunk = new Uint8Array(0);
  #used = 0;

  /** `size` bytes to fill (a view of the current chunk, or a new one). */
  take(size: number): Uint8Array {
    if (size > PACK_CHUNK_BYTES / 4) return new Uint8Array(size);
    if (this.#used + size > this.#chunk.length) {
      this.#chunk = new Uint8Array(PACK_CHUNK_BYTES);
      this.#used = 0;
    }
    const bytes = this.#chunk.subarray(this.#used, this.#used + size);
    this.#used += size;
    return bytes;
  }
}

/** Size of a {@link PackArena}'s chunks: at most this much of a stream's memory is unused (its last chunk). */
const PACK_CHUNK_BYTES = 64 * 1024;

/** Packs `records` (see {@link PackedRows.bytes}): one copy, into `arena`. */
export function packRecords(
  records: readonly Uint8Array[],
  decoder: PackedRowsDecoder,
  arena: PackArena,
): PackedRows {
  if (records.length === 1) {
    const bytes = arena.take(records[0]!.length);
    bytes.set(records[0]!);
    return { kind: 'packed', numRows: 1, bytes, decoder };
  }
  let size = 0;
  for (const r of records) size += 1 + varintLength(r.length) + r.length;
  const bytes = arena.take(size);
  let p = 0;
  for (const r of records) {
    bytes[p++] = 0x0a; // field 1, length-delimited
    for (let n = r.length; ; n >>>= 7) {
      if (n < 0x80) {
        bytes[p++] = n;
        break;
      }
      bytes[p++] = (n & 0x7f) | 0x80;
    }
    bytes.set(r, p);
    p += r.length;
  }
  return { kind: 'packed', numRows: records.length, bytes, decoder };
}

function varintLength(n: number): number {
  let k = 1;
  while (n >= 0x80) {
    n >>>= 7;
    k++;
  }
  return k;
}

/**
 * The batches to commit for `rows` (in WAL order): decoded batches as they are; packed rows decoded together,
 * one batch per decoder, each in the order of its rows. A decoded batch closes the packed rows before it (they
 * are emitted first), so every stream's rows stay in offset order: a stream has one decoder, and its packed
 * and decoded requests keep their order.
 */
export function toBatches(rows: readonly (RecordBatch | PackedRows)[]): RecordBatch[] {
  const out: RecordBatch[] = [];
  let open = new Map<PackedRowsDecoder, PackedRows[]>();
  const close = (): void => {
    for (const [decoder, parts] of open) out.push(decoder.decodePacked(parts));
    open = new Map();
  };
  for (const r of rows) {
    if (isPacked(r)) {
      const parts = open.get(r.decoder);
      if (parts === undefined) open.set(r.decoder, [r]);
      else parts.push(r);
    } else {
      close();
      out.push(r);
    }
  }
  close();
  return out;
}
