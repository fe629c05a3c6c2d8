import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createPrng, generateNeowise, loadSchema, neowiseSchema } from '@lakestream/testkit';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { createParser, DecodeError } from '../src/index.js';
import { compareBatch } from './support/compare-row.js';
import { type DifferentialCase, generateCases } from './support/differential.js';
import { parserFor } from './support/schema-parser.js';
import { NEOWISE, PROTO2_ALL, PROTO3_DEEP } from './support/test-schemas.js';

// decodeBatchLeased: batches decoded into buffers that a released lease gives back. Reused memory is not
// zeroed where tile flushes overwrite it, so every leased batch is checked value by value against the
// independent decoder, with batch sizes that make the stores shrink and grow between uses.

const SIZES = [300, 17, 500, 128, 1, 257, 64, 129];

/** Decodes the cases in leased batches of cycling sizes, releasing each; returns the mismatches. */
function leasedMismatches(proto: string, name: string, seed: number, count: number): string[] {
  const s = loadSchema(proto, name);
  const parser = parserFor(s);
  const cases: DifferentialCase[] = generateCases(createPrng(seed), s.type, s.syntax, count);
  const found: string[] = [];
  for (let start = 0, k = 0; start < cases.length; start += SIZES[k++ % SIZES.length]!) {
    const slice = cases.slice(start, start + SIZES[k % SIZES.length]!);
    const lease = parser.decodeBatchLeased(slice.map((c) => c.input));
    for (const m of compareBatch(
      slice.map((c) => c.expected),
      lease.batch,
      start,
    ).slice(0, 4))
      found.push(`record ${m.record} ${m.path}: expected ${m.expected}, got ${m.actual}`);
    lease.release();
  }
  return found;
}

/** A column's values as JSON text (Arrow rows and lists serialise themselves; int64 as decimal text). */
const valuesOf = (batch: RecordBatch, name: string): string =>
  JSON.stringify([...(batch.getChild(name) ?? [])], (_, v) => (typeof v === 'bigint' ? `${v}` : v));

describe('decodeBatchLeased', () => {
  it('proto2, every type, in reused buffers: agrees with protobufjs (2,000 messages)', () => {
    expect(leasedMismatches(PROTO2_ALL, 'p2.AllTypes', 21, 2000)).toEqual([]);
  });

  it('proto3, nested five deep, in reused buffers: agrees with protobufjs (1,000 messages)', () => {
    expect(leasedMismatches(PROTO3_DEEP, 'deep.Root', 22, 1000)).toEqual([]);
  });

  it('the NEOWISE-like record in reused buffers: agrees with protobufjs (1,500 messages)', () => {
    expect(leasedMismatches(NEOWISE, 'neowise.NeowiseSource', 23, 1500)).toEqual([]);
  });

  it('a released batch, its vectors and rows throw instead of showing the next batch', () => {
    const parser = createParser(neowiseSchema().descriptorProto);
    const first = parser.decodeBatchLeased(generateNeowise(300, 1));
    const ra = first.batch.getChild('ra')!;
    const aperture = first.batch.getChild('aperture')!;
    const row = first.batch.get(0)!;
    first.release();
    const second = parser.decodeBatchLeased(generateNeowise(300, 2));
    expect(() => first.batch.numRows).toThrow(TypeError);
    expect(() => first.batch.getChild('cntr')).toThrow(/released/);
    expect(() => ra.get(0)).toThrow(TypeError);
    expect(() => [...ra]).toThrow(TypeError);
    expect(() => aperture.get(1)?.get(0)).toThrow(TypeError);
    expect(() => row.source_id).toThrow(TypeError);
    expect(second.batch.numRows).toBe(300);
    second.release();
  });

  it('the memory is reused: a typed array taken out of a released batch shows the next one', () => {
    // The documented hazard of the contract (copy what you keep), and proof that nothing was reallocated.
    const parser = createParser(neowiseSchema().descriptorProto);
    const first = parser.decodeBatchLeased(generateNeowise(300, 1));
    const cntr = first.batch.getChild('cntr')!.data[0]!.values as BigInt64Array;
    first.release();
    const second = parser.decodeBatchLeased(generateNeowise(300, 2));
    expect(Array.from(cntr)).toEqual(Array.from(second.batch.getChild('cntr')!.data[0]!.values));
    expect(valuesOf(second.batch, 'cntr')).not.toBe(
      valuesOf(parser.decodeBatch(generateNeowise(300, 1)), 'cntr'),
    );
    second.release();
  });

  it('leases held at the same time have their own buffers', () => {
    const parser = createParser(neowiseSchema().descriptorProto);
    const expected = parser.decodeBatch(generateNeowise(200, 3));
    const a = parser.decodeBatchLeased(generateNeowise(200, 3));
    const b = parser.decodeBatchLeased(generateNeowise(200, 4));
    b.release();
    const c = parser.decodeBatchLeased(generateNeowise(200, 5));
    for (const name of ['cntr', 'ra', 'source_id', 'allwise_cntr', 'aperture']) {
      expect(valuesOf(a.batch, name)).toBe(valuesOf(expected, name));
    }
    a.release();
    c.release();
  });

  it('release is idempotent, and a batch that fails to decode leaves the pool usable', () => {
    const parser = createParser(neowiseSchema().descriptorProto);
    const lease = parser.decodeBatchLeased(generateNeowise(10, 6));
    lease.release();
    lease.release();
    const good = generateNeowise(10, 7);
    const bad = [...good.slice(0, 5), Uint8Array.of(0x08), ...good.slice(5)];
    expect(() => parser.decodeBatchLeased(bad)).toThrow(DecodeError);
    const after = parser.decodeBatchLeased(good);
    expect(after.batch.getChild('cntr')?.toJSON()).toEqual(
      parser.decodeBatch(good).getChild('cntr')?.toJSON(),
    );
    after.release();
  });

  it('keeps up to leasePool released buffers for reuse, in shared memory when asked', () => {
    const parser = createParser(neowiseSchema().descriptorProto, { leasePool: 4, sharedMemory: true });
    const arenaOf = (batch: RecordBatch) => batch.getChild('cntr')!.data[0]!.values.buffer;
    const first = Array.from({ length: 6 }, (_, i) => parser.decodeBatchLeased(generateNeowise(100, 10 + i)));
    const firstArenas = new Set(first.map((l) => arenaOf(l.batch)));
    expect(firstArenas.size).toBe(6);
    for (const lease of first) lease.release();
    const second = Array.from({ length: 6 }, (_, i) =>
      parser.decodeBatchLeased(generateNeowise(100, 20 + i)),
    );
    const reused = second.filter((l) => firstArenas.has(arenaOf(l.batch)));
    expect(reused).toHaveLength(4);
    for (const lease of second) {
      expect(arenaOf(lease.batch)).toBeInstanceOf(SharedArrayBuffer);
      expect(valuesOf(lease.batch, 'ra')).toBe(
        valuesOf(parser.decodeBatch(generateNeowise(100, 20 + second.indexOf(lease))), 'ra'),
      );
      lease.release();
    }
  });

  it('a held lease does not keep the records it was decoded from alive (they are the request message)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const parser = createParser(neowiseSchema().descriptorProto, { sharedMemory: true });
    let records: Uint8Array[] | undefined = generateNeowise(300, 3);
    const message = new WeakRef(records[0]!);
    const lease = parser.decodeBatchLeased(records);
    records = undefined;
    // Twice, a turn apart: a WeakRef's target is kept until the end of the turn that made it.
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    gc();
    expect(message.deref()).toBeUndefined();
    expect(lease.batch.numRows).toBe(300);
    lease.release();
  });
});
