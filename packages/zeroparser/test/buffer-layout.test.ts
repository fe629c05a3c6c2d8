import { createPrng, loadSchema, type Prng, packContiguous } from '@lakestream/testkit';
import { type RecordBatch, Table, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { DecodeError, Parser } from '../src/index.js';
import { mutateBytes, randomBytes } from './support/byte-mutation.js';
import { randomMessage } from './support/random-message.js';
import { parserFor } from './support/schema-parser.js';
import { NEOWISE, PROTO2_ALL, PROTO3_ALL, PROTO3_DEEP } from './support/test-schemas.js';

// The decoder reads a few bytes past a value before it checks the message end, and compares tags two bytes
// at a time: what follows a record in its buffer must never change the outcome. Each batch of valid,
// corrupted and random records is decoded in four layouts, and the batches and errors must be identical:
// every record alone in a buffer of its own size, back to back in one buffer (a record's neighbour is the
// next record), and each followed by bytes that look like tags and varints, or by zeros; and a mix (the first
// two back to back, the others alone). The parser copies every record into its input arena (adjacent ones in
// one run), where the bytes after a record are the next record or what an earlier batch left there.

/**
 * Bytes after each record in the third layout. The first completes a record cut after the first byte of a
 * two-byte tag into a tag of fields 16 to 31; then two-byte tags, continuation bytes and varint tags.
 */
/** Bytes after each record in the fourth layout: zeros complete no tag and end every varint. */
const ZEROS = new Array<number>(16).fill(0);

const LURE = [0x01, 0x8d, 0x01, 0x80, 0x80, 0x88, 0x01, 0xff, 0xff, 0x0d, 0x10, 0x92, 0x01, 0x80, 0x08, 0x96];

function alone(records: readonly Uint8Array[]): Uint8Array[] {
  return records.map((r) => new Uint8Array(r));
}

/** What a settled decode produced, comparable with `toEqual`: the batch as Arrow IPC bytes, and the errors. */
function outcome(parser: Parser, records: readonly Uint8Array[]): { ipc: string; errors: object[] } {
  const { batch, errors } = parser.decodeBatchSettled(records);
  const describe = (e: DecodeError) => ({
    code: e.code,
    recordIndex: e.recordIndex,
    fieldPath: e.fieldPath,
    byteOffset: e.byteOffset,
    message: e.message,
  });
  return { ipc: ipcHex(batch), errors: errors.map(describe) };
}

function ipcHex(batch: RecordBatch): string {
  return Buffer.from(tableToIPC(new Table(batch), 'stream')).toString('hex');
}

function records(rng: Prng, s: ReturnType<typeof loadSchema>, count: number): Uint8Array[] {
  const pool = Array.from({ length: 100 }, () => s.type.encode(randomMessage(rng, s.type)).finish());
  return Array.from({ length: count }, () => {
    const roll = rng.int(0, 9);
    if (roll < 3) return rng.pick(pool);
    if (roll < 9) return mutateBytes(rng, rng.pick(pool), rng.pick(pool));
    return randomBytes(rng);
  });
}

describe('what follows a record in its buffer never changes its outcome', () => {
  for (const [label, proto, name, seed] of [
    ['NEOWISE-like', NEOWISE, 'neowise.NeowiseSource', 31],
    ['proto2 all types', PROTO2_ALL, 'p2.AllTypes', 32],
    ['proto3 all types', PROTO3_ALL, 'p3.Scalars', 33],
    ['deeply nested proto3', PROTO3_DEEP, 'deep.Root', 34],
  ] as const) {
    it(`${label}: 4 × 500 records, alone, back to back, followed by tag-like bytes or zeros, mixed`, () => {
      const s = loadSchema(proto, name);
      const parser = parserFor(s);
      const rng = createPrng(seed);
      for (let round = 0; round < 4; round++) {
        const batch = records(rng, s, 500);
        const expected = outcome(parser, alone(batch));
        // A batch with no error would not test much: the corrupted records must have failed.
        expect(expected.errors.length).toBeGreaterThan(50);
        expect(outcome(parser, packContiguous(batch))).toEqual(expected);
        expect(outcome(parser, packContiguous(batch, LURE))).toEqual(expected);
        expect(outcome(parser, packContiguous(batch, ZEROS))).toEqual(expected);
        const mixed = [...packContiguous(batch.slice(0, 2)), ...alone(batch.slice(2))];
        expect(outcome(parser, mixed)).toEqual(expected);
      }
    });
  }
});
