import { Data, RecordBatch, Table } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { canonicalRows } from '../../test/support/canonical-rows.js';
import { ingestBatch, ingestRows, ingestSchema } from '../../test/support/ingest-batch.js';
import { tempDir } from '../../test/support/temp-dir.js';
import { fromArrowSchema, toArrowSchema } from '../schema/arrow-schema.js';
import { conformBatch } from '../schema/conform-batch.js';
import { createTable } from '../table.js';
import { shareBatches, unshareBatches } from './shared-batches.js';

/** The batch with every buffer copied into a SharedArrayBuffer (what zeroparser's `sharedMemory` gives). */
function inSharedMemory(batch: RecordBatch): RecordBatch {
  const share = <T extends ArrayBufferView | undefined>(view: T): T => {
    if (view === undefined || view === null || view.byteLength === 0) return view;
    const copy = new Uint8Array(new SharedArrayBuffer(view.byteLength));
    copy.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
    return new (view.constructor as new (b: ArrayBufferLike) => T)(copy.buffer);
  };
  const copy = (d: Data): Data =>
    new Data(
      d.type,
      d.offset,
      d.length,
      d.nullCount,
      [share(d.valueOffsets), share(d.values), share(d.nullBitmap)] as unknown as Data['buffers'],
      d.children.map(copy),
    );
  return new RecordBatch(batch.schema, copy(batch.data) as RecordBatch['data']);
}

describe('shared batches', () => {
  const plain = [ingestBatch(ingestRows(1, 120, 0)), ingestBatch(ingestRows(2, 80, 120)).slice(5)];
  const shared = plain.map(inSharedMemory);

  it('are described only when every buffer is in shared memory', () => {
    expect(shareBatches(plain)).toBeUndefined();
    expect(shareBatches([shared[0]!, plain[1]!])).toBeUndefined();
    const described = shareBatches(shared)!;
    expect(described.schemas).toHaveLength(1); // two equal schemas, sent once
    expect(described.batches.map((b) => b.schema)).toEqual([0, 0]);
  });

  it('arrive in another realm over the same memory, with the same rows (nested, nulls, a sliced batch)', () => {
    const described = shareBatches(shared)!;
    // structuredClone is what postMessage does: the SharedArrayBuffers are shared, not copied.
    const received = unshareBatches(structuredClone(described));
    expect(canonicalRows(new Table(received))).toEqual(canonicalRows(new Table(plain)));
    // Same memory: a write on the receiving side shows on the sending side.
    const mine = inSharedMemory(plain[0]!);
    const theirs = unshareBatches(structuredClone(shareBatches([mine])!));
    const values = (b: RecordBatch) => b.getChild('f64')!.data[0]!.values as Float64Array;
    values(theirs[0]!)[0] = 42.5;
    expect(values(mine)[0]).toBe(42.5);
  });

  it('stay in shared memory when conformed to the table (uint64 → decimal, uint32 → long)', () => {
    const target = toArrowSchema(fromArrowSchema(ingestSchema));
    const conformedShared = conformBatch(shared[0]!, target);
    const conformedPlain = conformBatch(plain[0]!, target);
    expect(String(conformedShared.schema.fields.find((f) => f.name === 'u64')!.type)).toBe('Decimal[20e0]');
    expect(shareBatches([conformedShared])).toBeDefined();
    expect(shareBatches([conformedPlain])).toBeUndefined();
    expect(canonicalRows(new Table([conformedShared]))).toEqual(canonicalRows(new Table([conformedPlain])));
  });

  it('are written by the table through the encoder pool as the IPC path writes them', async () => {
    await using viaShared = await createTable(tempDir('delta-shared-'), {
      schema: fromArrowSchema(ingestSchema),
      workers: 1,
    });
    await using viaIpc = await createTable(tempDir('delta-ipc-'), {
      schema: fromArrowSchema(ingestSchema),
      workers: 1,
    });
    await viaShared.append(shared);
    await viaIpc.append(plain);
    const [a, b] = [(await viaShared.snapshot()).files, (await viaIpc.snapshot()).files];
    expect(a.map((f) => f.stats)).toEqual(b.map((f) => f.stats));
    expect(canonicalRows(await viaShared.scan())).toEqual(canonicalRows(await viaIpc.scan()));
    expect((await viaShared.scan()).numRows).toBe(120 + 75);
  });
});
