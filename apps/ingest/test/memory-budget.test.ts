import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { openTable } from '@lakestream/delta';
import { createParser } from '@lakestream/zeroparser';
import type { Data } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { hasFooterStatistics } from './support/parquet-footer.js';
import { ORDERS, orderSchema } from './support/test-catalog.js';
import { startTestNode, tempDir } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Array-buffer bytes in use after a full collection (what the process really holds). */
function heldArrayBuffers(): number {
  gc();
  gc();
  return process.memoryUsage().arrayBuffers;
}

/** Bytes of the column buffers of a decoded batch, as views (a lower bound of the memory behind them). */
function viewBytes(data: Data): number {
  let n = 0;
  for (const b of [data.valueOffsets, data.values, data.nullBitmap]) n += b?.byteLength ?? 0;
  for (const c of data.children) n += viewBytes(c);
  return n;
}

describe('node memory budget: it counts what the node holds, not the bytes it received', () => {
  it('holds decoded batches within --node-inflight-bytes and publishes a backlog in commits of --flush-bytes', async () => {
    const { dir, cleanup } = await tempDir();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const budget = 8 * MiB;
    const flushBytes = 1 * MiB;
    const { node, cat } = await startTestNode(dir, {
      nodeBufferBytes: budget,
      // The budget alone (backlog-bound.test.ts shows the bound that stops producers earlier).
      maxVisibleDelayMs: 0,
      limits: { streamInFlightBytes: budget },
      flushBytes,
      // Small HTTP/2 windows: what the node holds is then what it read, not what waits in its receive buffers.
      streamWindowBytes: 65_535,
      connectionWindowBytes: 65_535,
      // Publishing hangs until the gate opens: every acked batch stays in the node.
      beforeCommit: () => gate,
    });
    const client = zerobusClient(node.port);
    try {
      // Records of one small varint: 4 bytes each on the wire, 16+ bytes each once decoded (an int64 column
      // plus the offsets and values of the absent columns), so counting received bytes would hold 4× the budget.
      const schema = orderSchema();
      const perRequest = 20_000;
      const records = Array.from({ length: perRequest }, (_, i) =>
        schema.type.encode({ id: i % 100 }).finish(),
      );
      const decoded = viewBytes(createParser(schema.descriptorProto).decodeBatch(records).data);
      const message = req.proto(0, records);
      const wire = records.reduce((n, r) => n + r.length + 2, 0);
      expect(decoded).toBeGreaterThan(3 * wire);

      const s = openStream(client, 'EphemeralStream', cat.tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 1, schema.descriptorProto));
      await s.streamId();
      const before = heldArrayBuffers();
      const requests = 120; // ~9 MiB on the wire, ~40 MiB decoded
      let sent = 0;
      const producer = (async () => {
        for (let o = 0; o < requests; o++) {
          message.ingest_record_batch.offset_id = String(o);
          await new Promise<void>((resolve) => s.call.write(message, () => resolve()));
          sent++;
        }
      })();
      await s.until(() => (node.pipeline.nodeBudget.waiting === 1 ? true : undefined), 'the budget to fill');
      await new Promise((r) => setTimeout(r, 500));
      const acked = Number(s.acked) + 1;
      expect(acked).toBeGreaterThan(0);
      expect(sent).toBeLessThan(requests);
      const used = node.pipeline.nodeBudget.used;
      // Every acked request is durable and unpublished: its decoded batch is what the node holds for it.
      expect(used).toBeGreaterThanOrEqual(acked * decoded);
      // Over the capacity by at most one request's estimate error.
      expect(used).toBeLessThanOrEqual(budget + decoded + 3 * wire);
      const growth = heldArrayBuffers() - before;
      expect(growth).toBeLessThan(budget + 4 * MiB);
      console.log(
        `memory budget: ${acked} requests acked and held (${((acked * wire) / MiB).toFixed(1)} MiB received, budget used ${(used / MiB).toFixed(1)} of ${(budget / MiB).toFixed(0)} MiB), array buffers +${(growth / MiB).toFixed(1)} MiB`,
      );

      release();
      await producer;
      await s.ackedAtLeast(requests - 1);
      expect((await s.finish()).code).toBe(0);
      await node.publishers.flushAll();
      const table = await openTable(join(dir, 'tables/main/sales/orders'));
      try {
        const snapshot = await table.snapshot();
        expect(snapshot.numRecords).toBe(requests * perRequest);
        // The node's default page compression is snappy (the file name carries the codec), and its files
        // carry no footer statistics (the Delta log has them).
        expect(snapshot.files.map((f) => f.path.replace(/^.*-c000\./, ''))).toEqual(
          snapshot.files.map(() => 'snappy.parquet'),
        );
        const dataFile = join(dir, 'tables/main/sales/orders', snapshot.files[0]!.path);
        expect(await hasFooterStatistics(dataFile)).toBe(false);
        expect(JSON.parse(snapshot.files[0]!.stats!)).toHaveProperty('minValues');
        // The backlog that built up behind the stalled commit went out in commits of about flushBytes (each
        // commit's txn.version is its highest WAL position: one request per position on this stream).
        const versions = (await table.history())
          .map((h) => (h.commitInfo.operationParameters as { version?: unknown } | undefined)?.version)
          .filter((v) => v !== undefined)
          .map(Number)
          .sort((a, b) => a - b);
        const perCommit = versions.map((v, i) => v - (i === 0 ? -1 : versions[i - 1]!));
        expect(perCommit.reduce((a, b) => a + b, 0)).toBe(requests);
        const heldPerRequest = used / acked;
        expect(Math.max(...perCommit)).toBeLessThanOrEqual(Math.ceil(flushBytes / heldPerRequest) + 1);
      } finally {
        await table.close();
      }
    } finally {
      release();
      client.close();
      await node.close(500);
      await cleanup();
    }
  });
});
