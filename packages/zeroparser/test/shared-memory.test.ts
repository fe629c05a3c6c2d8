import { createPrng, loadSchema } from '@lakestream/testkit';
import type { Data, RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createParser, type TableStruct } from '../src/index.js';
import { compareBatch } from './support/compare-row.js';
import { generateCases } from './support/differential.js';
import { parserFor } from './support/schema-parser.js';
import { NEOWISE, PROTO2_ALL, PROTO3_DEEP } from './support/test-schemas.js';

// `sharedMemory: true`: every array of a batch lives in a SharedArrayBuffer (the ingest node posts batches to
// its Parquet encoder threads without a copy), and the values are the same as with plain buffers.

/** Every buffer of a batch's column tree, with the path that leads to it. */
function buffersOf(batch: RecordBatch): { path: string; buffer: ArrayBufferLike }[] {
  const out: { path: string; buffer: ArrayBufferLike }[] = [];
  const visit = (data: Data, path: string): void => {
    for (const [name, view] of [
      ['values', data.values],
      ['valueOffsets', data.valueOffsets],
      ['nullBitmap', data.nullBitmap],
    ] as const) {
      if (view !== undefined && view !== null && view.byteLength > 0)
        out.push({ path: `${path}.${name}`, buffer: view.buffer });
    }
    data.children.forEach((child, i) => {
      visit(child, `${path}/${i}`);
    });
  };
  visit(batch.data, 'root');
  return out;
}

function sharedMismatches(proto: string, name: string, seed: number, count: number): string[] {
  const s = loadSchema(proto, name);
  const parser = parserFor(s, { sharedMemory: true });
  const cases = generateCases(createPrng(seed), s.type, s.syntax, count);
  const found: string[] = [];
  for (let start = 0; start < cases.length; start += 250) {
    const slice = cases.slice(start, start + 250);
    const batch = parser.decodeBatch(slice.map((c) => c.input));
    for (const b of buffersOf(batch))
      if (!(b.buffer instanceof SharedArrayBuffer)) found.push(`${b.path} is not in shared memory`);
    for (const m of compareBatch(
      slice.map((c) => c.expected),
      batch,
      start,
    ).slice(0, 4))
      found.push(`record ${m.record} ${m.path}: expected ${m.expected}, got ${m.actual}`);
  }
  return found;
}

describe('sharedMemory batches', () => {
  it('proto2, every type (strings written twice compact into new buffers): shared and correct', () => {
    expect(sharedMismatches(PROTO2_ALL, 'p2.AllTypes', 31, 1500)).toEqual([]);
  });

  it('proto3, nested five deep: shared and correct', () => {
    expect(sharedMismatches(PROTO3_DEEP, 'deep.Root', 32, 800)).toEqual([]);
  });

  it('the NEOWISE-like record: shared and correct', () => {
    expect(sharedMismatches(NEOWISE, 'neowise.NeowiseSource', 33, 1000)).toEqual([]);
  });

  it('narrow table columns (short, byte) are copied into shared memory too', () => {
    const s = loadSchema(
      'syntax = "proto2"; package t; message R { optional int32 a = 1; optional int32 b = 2; }',
      't.R',
    );
    const tableSchema: TableStruct = {
      type: 'struct',
      fields: [
        { name: 'a', type: 'short', nullable: true },
        { name: 'b', type: 'byte', nullable: true },
      ],
    };
    const records = [s.type.encode({ a: -300, b: 7 }).finish(), s.type.encode({ a: 12 }).finish()];
    const batch = createParser(s.descriptorProto, { tableSchema, sharedMemory: true }).decodeBatch(records);
    expect(buffersOf(batch).every((b) => b.buffer instanceof SharedArrayBuffer)).toBe(true);
    expect([...batch.getChild('a')!]).toEqual([-300, 12]);
    expect([...batch.getChild('b')!]).toEqual([7, null]);
  });

  it('plain buffers by default', () => {
    const s = loadSchema(NEOWISE, 'neowise.NeowiseSource');
    const cases = generateCases(createPrng(34), s.type, s.syntax, 10);
    const batch = createParser(s.descriptorProto).decodeBatch(cases.map((c) => c.input));
    expect(buffersOf(batch).some((b) => b.buffer instanceof SharedArrayBuffer)).toBe(false);
  });
});
