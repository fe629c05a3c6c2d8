import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAdminClient } from '../src/admin/admin-client.js';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { hasFooterStatistics } from './support/parquet-footer.js';
import { ORDERS } from './support/test-catalog.js';
import { readTable } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

describe('lakestream-ingest (the built bin)', () => {
  it('serves, exports metrics, and on SIGTERM drains with close_stream_signal, acks, publishes, exits 0', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      const node = await startChildNode(dataDir, provisioning, [
        '--flush-ms',
        '60000',
        '--drain-grace-ms',
        '3000',
        '--parquet-compression',
        'zstd',
        '--parquet-statistics',
        'chunk',
      ]);
      const client = zerobusClient(node.port);
      const s = openStream(client, 'EphemeralStream', tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      for (let o = 0; o < 50; o++) s.send(req.json(o, [JSON.stringify({ id: o })]));
      await s.ackedAtLeast(49);

      const metrics = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/lakestream_records_received_total\{table="main\.sales\.orders"\} 50/);

      // The admin API lists the live stream with its counters (LiveStreams is the StreamRegistry).
      const secret = (await readFile(join(dataDir, 'admin-secret'), 'utf8')).trim();
      const admin = createAdminClient(`127.0.0.1:${node.adminPort}`, secret);
      const listed = await admin.listStreams();
      admin.close();
      expect(listed.streams).toHaveLength(1);
      expect(listed.streams[0]).toMatchObject({ table: ORDERS, records: '50' });

      // Nothing is published yet (flush every 60 s): the drain must publish it.
      node.process.kill('SIGTERM');
      const signal = await s.until(
        () => s.responses.find((r) => r.close_stream_signal)?.close_stream_signal,
        'close_stream_signal',
      );
      expect(Number(signal.duration?.seconds)).toBe(3);
      // The client reacts like the SDK: stops sending and closes its side once everything is acked.
      expect((await s.finish()).code).toBe(0);
      expect(await node.exited).toBe(0);
      client.close();
      expect((await readTable(dataDir, 'tables/main/sales/orders')).numRows).toBe(50);
      // --parquet-compression reached the writer: the data file's name carries its codec; and
      // --parquet-statistics: its footer has column statistics (the node's default writes none).
      const files = await readdir(join(dataDir, 'tables/main/sales/orders'));
      const parquet = files.filter((f) => f.endsWith('.parquet'));
      expect(parquet).toEqual([expect.stringMatching(/\.zstd\.parquet$/)]);
      expect(await hasFooterStatistics(join(dataDir, 'tables/main/sales/orders', parquet[0]!))).toBe(true);
      expect(node.lines.some((l) => l.msg === 'ingest node stopped')).toBe(true);
    } finally {
      await cleanup();
    }
  });
});
