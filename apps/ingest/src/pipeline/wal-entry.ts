import type { WalPayload } from '../wal/wal.js';
import { type RecordFormat, splitRecordsMessage } from '../zerobus/decode-request.js';

/**
 * How a `records` entry's bytes decode: PROTO / JSON records of a Zerobus stream, or `arrow`: one Arrow IPC
 * stream (schema + one record batch) of a Flight DoPut, held as the entry's single record.
 */
export type WalRecordFormat = RecordFormat | 'arrow';

/**
 * What the ingest node writes into each WAL entry (the WAL itself only sees bytes). Records are logged raw,
 * as received, with what is needed to decode them again at recovery: the table, the format and the hash of
 * the descriptor (kept in the descriptor store). Persistent-stream lifecycle events are logged too, so the
 * stream's state comes back from the WAL after a crash.
 */
export type WalRecord =
  | {
      readonly kind: 'records';
      readonly streamId: string;
      readonly persistent: boolean;
      readonly table: string;
      readonly format: WalRecordFormat;
      /** SHA-256 of the descriptor (PROTO), 32 zero bytes for JSON and Arrow. */
      readonly descriptorHash: Uint8Array;
      readonly offset: bigint;
      readonly records: readonly Uint8Array[];
      /**
       * The records as the request carried them: a batch message (`repeated records = 1`) that holds exactly
       * `records`. When present the entry logs these bytes in place, without copying the records.
       */
      readonly message?: Uint8Array;
    }
  | {
      readonly kind: 'stream-created';
      readonly streamId: string;
      readonly table: string;
      /** The principal that created the stream (only it may resume or retire it); absent in older entries. */
      readonly principalId?: string;
    }
  | {
      /**
       * This node took the stream's lease at `epoch` (see `handoff/lease-store.ts`): created it (epoch 1, `from`
       * undefined) or resumed it after another holder released it at offset `from`. Logged before the lease
       * object is written, so a node that crashes in between knows to check whether it holds the lease.
       */
      readonly kind: 'stream-acquired';
      readonly streamId: string;
      readonly table: string;
      readonly principalId: string | undefined;
      readonly epoch: number;
      /** The offset durable when the previous holder released the stream; `undefined`: none yet. */
      readonly from: bigint | undefined;
    }
  | { readonly kind: 'stream-retired'; readonly streamId: string };

const KIND = { records: 1, 'stream-created': 2, 'stream-retired': 3, 'stream-acquired': 5 } as const;
/** A `records` entry whose records follow as a batch message (entries of this kind since 2026-11-24). */
const RECORDS_MESSAGE = 4;
const FORMAT = { proto: 1, json: 2, arrow: 3 } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Serializes an entry: in two parts, a header and the request's batch message as it is, when the entry has
 * one (no copy of the records); otherwise as one buffer (one copy of the record bytes).
 */
export function encodeWalRecord(entry: WalRecord): WalPayload {
  const id = encoder.encode(entry.streamId);
  const table = entry.kind === 'stream-retired' ? new Uint8Array(0) : encoder.encode(entry.table);
  const message = entry.kind === 'records' ? entry.message : undefined;
  const principal =
    entry.kind === 'stream-acquired'
      ? encoder.encode(entry.principalId ?? '')
      : entry.kind === 'stream-created' && entry.principalId !== undefined
        ? encoder.encode(entry.principalId)
        : undefined;
  let size = 1 + 2 + id.length + 2 + table.length;
  if (principal !== undefined) size += 2 + principal.length;
  if (entry.kind === 'stream-acquired') size += 4 + 8;
  if (entry.kind === 'records') {
    size += 1 + 1 + 32 + 8;
    if (message === undefined) {
      size += 4;
      for (const r of entry.records) size += 4 + r.length;
    }
  }
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let p = 0;
  out[p++] = message === undefined ? KIND[entry.kind] : RECORDS_MESSAGE;
  view.setUint16(p, id.length, true);
  out.set(id, p + 2);
  p += 2 + id.length;
  view.setUint16(p, table.length, true);
  out.set(table, p + 2);
  p += 2 + table.length;
  if (principal !== undefined) {
    view.setUint16(p, principal.length, true);
    out.set(principal, p + 2);
    p += 2 + principal.length;
  }
  if (entry.kind === 'stream-acquired') {
    view.setUint32(p, entry.epoch, true);
    view.setBigInt64(p + 4, entry.from ?? -1n, true);
    return out;
  }
  if (entry.kind === 'records') {
    out[p++] = FORMAT[entry.format];
    out[p++] = entry.persistent ? 1 : 0;
    out.set(entry.descriptorHash.subarray(0, 32), p);
    p += 32;
    view.setBigInt64(p, entry.offset, true);
    p += 8;
    if (message !== undefined) return [out, message];
    view.setUint32(p, entry.records.length, true);
    p += 4;
    for (const r of entry.records) {
      view.setUint32(p, r.length, true);
      out.set(r, p + 4);
      p += 4 + r.length;
    }
  }
  return out;
}

/** What an entry says about itself without its records: enough to restore persistent-stream state. */
export type WalRecordHead =
  | (Omit<WalRecord & { kind: 'records' }, 'records' | 'message'> & { readonly recordsAt: number })
  | (WalRecord & { kind: 'stream-created' | 'stream-acquired' | 'stream-retired' });

/**
 * Parses an entry's header (either layout), leaving the records where they are: `recordsAt` is the byte of
 * `payload` where they start. Throws a `RangeError`/`Error` for bytes no version of `encodeWalRecord` wrote.
 */
export function decodeWalRecordHead(payload: Uint8Array): WalRecordHead {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let p = 0;
  const kind = payload[p++];
  const idLen = view.getUint16(p, true);
  const streamId = decoder.decode(payload.subarray(p + 2, p + 2 + idLen));
  p += 2 + idLen;
  const tableLen = view.getUint16(p, true);
  const table = decoder.decode(payload.subarray(p + 2, p + 2 + tableLen));
  p += 2 + tableLen;
  if (kind === KIND['stream-created']) {
    // The creating principal follows the table in entries written since it is recorded; older ones end here.
    if (p === payload.length) return { kind: 'stream-created', streamId, table };
    const principalLen = view.getUint16(p, true);
    const principalId = decoder.decode(payload.subarray(p + 2, p + 2 + principalLen));
    return { kind: 'stream-created', streamId, table, principalId };
  }
  if (kind === KIND['stream-acquired']) {
    const principalLen = view.getUint16(p, true);
    const principal = decoder.decode(payload.subarray(p + 2, p + 2 + principalLen));
    p += 2 + principalLen;
    const epoch = view.getUint32(p, true);
    const from = view.getBigInt64(p + 4, true);
    return {
      kind: 'stream-acquired',
      streamId,
      table,
      principalId: principal === '' ? undefined : principal,
      epoch,
      from: from < 0n ? undefined : from,
    };
  }
  if (kind === KIND['stream-retired']) return { kind: 'stream-retired', streamId };
  if (kind !== KIND.records && kind !== RECORDS_MESSAGE) throw new Error(`unknown WAL entry kind ${kind}`);
  const code = payload[p++];
  const format: WalRecordFormat = code === FORMAT.proto ? 'proto' : code === FORMAT.arrow ? 'arrow' : 'json';
  const persistent = payload[p++] === 1;
  const descriptorHash = payload.subarray(p, p + 32);
  p += 32;
  const offset = view.getBigInt64(p, true);
  p += 8;
  return { kind: 'records', streamId, persistent, table, format, descriptorHash, offset, recordsAt: p };
}

/** Parses an entry written by `encodeWalRecord` (either layout). Record bytes are views into `payload`. */
export function decodeWalRecord(payload: Uint8Array): WalRecord {
  const head = decodeWalRecordHead(payload);
  if (head.kind !== 'records') return head;
  const { recordsAt, ...entry } = head;
  if (payload[0] === RECORDS_MESSAGE) {
    const message = payload.subarray(recordsAt);
    return { ...entry, records: splitRecordsMessage(message).records, message };
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  let p = recordsAt;
  const count = view.getUint32(p, true);
  p += 4;
  const records: Uint8Array[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(p, true);
    records[i] = payload.subarray(p + 4, p + 4 + len);
    p += 4 + len;
  }
  return { ...entry, records };
}
