import { describe, expect, it } from 'vitest';
import { frameChecksum, payloadLength } from '../wal/frame.js';
import { decodeWalRecord, encodeWalRecord, type WalRecord } from './wal-entry.js';

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const hash = Uint8Array.from({ length: 32 }, (_, i) => i * 7);

/** A batch message as a request carries it: records in field 1, an unknown varint field 9 in between. */
function batchMessage(records: Uint8Array[]): Uint8Array {
  const out: number[] = [];
  records.forEach((r, i) => {
    out.push(0x0a, r.length, ...r);
    if (i === 0) out.push(9 << 3, 0x96, 0x01);
  });
  return Uint8Array.from(out);
}

/** The payload as the WAL writes it: its parts one after another. */
function joined(payload: Uint8Array | readonly Uint8Array[]): Uint8Array {
  return payload instanceof Uint8Array ? payload : Uint8Array.from(payload.flatMap((p) => [...p]));
}

describe('WAL entries', () => {
  const records = [bytes(8, 1, 18, 2, 104, 105), bytes(), bytes(8, 150, 1)];
  const entry = {
    kind: 'records',
    streamId: 'stream-1',
    persistent: true,
    table: 'main.sales.orders',
    format: 'proto',
    descriptorHash: hash,
    offset: 41n,
    records,
  } as const satisfies WalRecord;

  it('round-trips a records entry that copies its records (one buffer)', () => {
    const payload = encodeWalRecord(entry);
    expect(payload).toBeInstanceOf(Uint8Array);
    expect(decodeWalRecord(joined(payload))).toEqual(entry);
  });

  it('logs the batch message in place and reads the same records back from it', () => {
    const message = batchMessage(records);
    const payload = encodeWalRecord({ ...entry, message });
    expect(Array.isArray(payload)).toBe(true);
    const parts = payload as readonly Uint8Array[];
    expect(parts[parts.length - 1]).toBe(message); // the request's bytes, not a copy
    const decoded = decodeWalRecord(joined(payload));
    expect(decoded).toEqual({ ...entry, message });
    // The frame checksum over the parts is the checksum of the bytes on disk.
    expect(frameChecksum(payload)).toBe(frameChecksum(joined(payload)));
    expect(payloadLength(payload)).toBe(joined(payload).length);
  });

  it('round-trips stream lifecycle entries, with and without the creating principal', () => {
    const created = {
      kind: 'stream-created',
      streamId: 's',
      table: 'main.a.b',
      principalId: 'svc-ö',
    } as const;
    const anonymous = { kind: 'stream-created', streamId: 's', table: 'main.a.b' } as const;
    const retired = { kind: 'stream-retired', streamId: 's' } as const;
    const taken = {
      kind: 'stream-acquired',
      streamId: 's',
      table: 'main.a.b',
      principalId: 'svc-ö',
      epoch: 7,
      from: 41n,
    } as const;
    const createdHere = { ...taken, principalId: undefined, epoch: 1, from: undefined } as const;
    expect(decodeWalRecord(joined(encodeWalRecord(taken)))).toEqual(taken);
    expect(decodeWalRecord(joined(encodeWalRecord(createdHere)))).toEqual(createdHere);
    expect(decodeWalRecord(joined(encodeWalRecord(created)))).toEqual(created);
    expect(decodeWalRecord(joined(encodeWalRecord(anonymous)))).toEqual(anonymous);
    expect(decodeWalRecord(joined(encodeWalRecord(retired)))).toEqual(retired);
  });

  it('reads a stream-created entry as written before the principal was recorded (no principal)', () => {
    // encodeWalRecord({kind: 'stream-created', streamId: 'ps-1', table: 'main.a.b'}) of commit 7e274b2.
    const before = Buffer.from('02040070732d3108006d61696e2e612e62', 'hex');
    expect(decodeWalRecord(before)).toEqual({ kind: 'stream-created', streamId: 'ps-1', table: 'main.a.b' });
    // And the new layout is the old one with the principal after the table.
    const now = encodeWalRecord({
      kind: 'stream-created',
      streamId: 'ps-1',
      table: 'main.a.b',
      principalId: 'p',
    });
    expect(Buffer.from(joined(now)).toString('hex')).toBe('02040070732d3108006d61696e2e612e62010070');
  });
});
