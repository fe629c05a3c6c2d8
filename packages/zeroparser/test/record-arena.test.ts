import { loadSchema } from '@lakestream/testkit';
import { describe, expect, it } from 'vitest';
import { ARENA_BYTES } from '../src/compile/record-arena.js';
import { createParser, DecodeError } from '../src/index.js';

// Every record is copied into the parser's input arena before it is decoded (`RecordArena`): a tile's worth
// of records or what fits at a time, and a record larger than the arena makes the parser compile its decoder
// again for a larger one. Values and error offsets must not depend on where a record sat in there.

const schema = loadSchema(
  `syntax = "proto3";
package a;
message Rec {
  int32 id = 1;
  string text = 2;
  bytes blob = 3;
  sint64 delta = 4;
}
`,
  'a.Rec',
);
const source = { fileDescriptorSet: schema.fileDescriptorSet, messageName: 'a.Rec' };

function record(id: number, textBytes: number): Uint8Array {
  const text = `${id}:`.padEnd(textBytes, String.fromCharCode(97 + (id % 26)));
  return schema.type.encode({ id, text, blob: Uint8Array.of(id & 255, 7), delta: -id * 1_000_003 }).finish();
}

function firstError(run: () => unknown): DecodeError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return error as DecodeError;
  }
  throw new Error('the batch decoded');
}

describe('records copied into the input arena', () => {
  // 60 KB records: four fit the 256 KiB arena, so a batch of 12 takes several fills; one of 600 KB needs a
  // larger arena (and a decoder compiled for it); the small ones come in one buffer, back to back.
  const sizes = [60_000, 60_000, 60_000, 60_000, 60_000, 600_000, 12, 60_000, 40, 60_000, 5, 60_000];
  const records = sizes.map((size, i) => record(i + 1, size));
  expect(ARENA_BYTES).toBeLessThan(600_000);

  it('decodes records over several fills and past a growth like protobufjs', () => {
    for (const parser of [createParser(source), createParser(source, { leasePool: 3 })]) {
      // Twice: the second batch runs on the grown arena.
      for (let round = 0; round < 2; round++) {
        const batch = parser.decodeBatch(records);
        expect(batch.numRows).toBe(records.length);
        records.forEach((bytes, row) => {
          const want = schema.type.toObject(schema.type.decode(bytes), { longs: String });
          expect(batch.getChild('id')!.get(row)).toBe(want.id);
          expect(batch.getChild('text')!.get(row)).toBe(want.text);
          expect([...batch.getChild('blob')!.get(row)]).toEqual([...want.blob]);
          expect(String(batch.getChild('delta')!.get(row))).toBe(want.delta);
        });
      }
    }
  });

  it('reports a fault with its record and offset in a later fill, after a growth', () => {
    const bad = Uint8Array.from([...record(99, 30), 0x1a, 0x05, 0x01]); // blob: 5 bytes announced, 1 left
    const batch = [...records, bad];
    const error = firstError(() => createParser(source).decodeBatch(batch));
    expect({
      code: error.code,
      record: error.recordIndex,
      field: error.fieldPath,
      offset: error.byteOffset,
    }).toEqual({
      code: 'LENGTH_OUT_OF_BOUNDS',
      record: records.length,
      field: 'blob',
      offset: bad.length - 2,
    });
    const settled = createParser(source).decodeBatchSettled(batch);
    expect(settled.batch.numRows).toBe(records.length);
    expect(settled.errors.map((e) => [e.recordIndex, e.byteOffset])).toEqual([
      [records.length, bad.length - 2],
    ]);
  });

  it('skips a record over maxRecordBytes without copying it, and decodes the rest', () => {
    const parser = createParser(source, { maxRecordBytes: 100_000 });
    const { batch, errors } = parser.decodeBatchSettled(records);
    expect(errors.map((e) => [e.code, e.recordIndex, e.byteOffset])).toEqual([['RECORD_TOO_LARGE', 5, 0]]);
    expect(batch.numRows).toBe(records.length - 1);
    expect(batch.getChild('id')!.get(5)).toBe(7);
  });
});

describe('room in string columns', () => {
  // `recordAt` checks one number per record (the least room of any string column, less what the records
  // since took); a string default is not part of its record, so it must take from that room too.
  const long = 'd'.repeat(100);
  const defaults = loadSchema(
    `syntax = "proto2";
package r;
message Rec {
  optional string s = 1 [default = "${long}"];
  optional int32 id = 2;
}
`,
    'r.Rec',
  );

  it('grows columns for values and defaults alike', () => {
    // A fresh parser sizes the column at 16 bytes a row (4,160 bytes for 256 rows): 41 defaults fill it
    // to 4,100 without growing it, and the values after them must make it grow.
    const present = (id: number) => id >= 41;
    const value = (id: number) => `${id}`.padEnd(50, 's');
    const records = Array.from({ length: 256 }, (_, id) =>
      defaults.type.encode(present(id) ? { id, s: value(id) } : { id }).finish(),
    );
    for (const leased of [false, true]) {
      const parser = createParser(defaults.descriptorProto);
      for (let round = 0; round < 2; round++) {
        const batch = leased ? parser.decodeBatchLeased(records).batch : parser.decodeBatch(records);
        records.forEach((_, id) => {
          expect(batch.getChild('s')!.get(id)).toBe(present(id) ? value(id) : long);
        });
      }
    }
  });
});
