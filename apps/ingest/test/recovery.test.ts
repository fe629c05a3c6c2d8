import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { childNodeDir, startChildNode } from './support/child-node.js';
import { ORDERS, orderSchema } from './support/test-catalog.js';
import { readTable, rows } from './support/test-node.js';
import { openStream, req, zerobusClient } from './support/zerobus-client.js';

describe('recovery of acked, unpublished PROTO batches', () => {
  it('replays batch requests logged in place (WAL entry kind 4) into the table after a SIGKILL, each row once', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      // Nothing is published before the kill: every acked row must come back from the WAL.
      const first = await startChildNode(dataDir, provisioning, ['--flush-ms', '60000']);
      const schema = orderSchema();
      const client = zerobusClient(first.port);
      const s = openStream(client, 'EphemeralStream', tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 1, schema.descriptorProto));
      await s.streamId();
      const ids = (o: number) => [0, 1, 2].map((k) => o * 10 + k);
      for (let o = 0; o < 6; o++) {
        s.send(
          req.proto(
            o,
            ids(o).map((id) => schema.type.encode({ id, item: `item ${id}`, qty: o }).finish()),
          ),
        );
      }
      await s.ackedAtLeast(5);
      first.process.kill('SIGKILL');
      await first.exited;
      client.close();

      const second = await startChildNode(dataDir, provisioning);
      try {
        await second.recovered;
        const table = rows(await readTable(dataDir, 'tables/main/sales/orders'));
        const expected = [0, 1, 2, 3, 4, 5].flatMap((o) =>
          ids(o).map((id) => ({ id: BigInt(id), item: `item ${id}`, qty: o })),
        );
        expect(table.sort((a, b) => Number(a.id) - Number(b.id))).toEqual(expected);
      } finally {
        second.process.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      await cleanup();
    }
  });
});

describe('recovery of a backlog spanning many WAL segments', () => {
  it('publishes every acked record once even when commits during the replay trim the WAL', async () => {
    const { tokens, provisioning, dataDir, cleanup } = await childNodeDir();
    try {
      // Nothing is published before the kill, and the backlog spans ~30 sealed segments of 64 KiB.
      const first = await startChildNode(dataDir, provisioning, [
        '--flush-ms',
        '3600000',
        '--flush-bytes',
        '1GiB',
        '--wal-segment-bytes',
        '64KiB',
      ]);
      const client = zerobusClient(first.port);
      const s = openStream(client, 'EphemeralStream', tokens.good.token, ORDERS);
      s.send(req.create(ORDERS, 2));
      await s.streamId();
      const requests = 200;
      const perRequest = 50;
      for (let o = 0; o < requests; o++) {
        const records = Array.from({ length: perRequest }, (_, k) =>
          JSON.stringify({ id: o * perRequest + k, item: `item ${o * perRequest + k}`.padEnd(120, '.') }),
        );
        s.send(req.json(o, records));
      }
      await s.ackedAtLeast(requests - 1);
      first.process.kill('SIGKILL');
      await first.exited;
      client.close();
      const segments = (await readdir(join(dataDir, 'wal'))).filter((f) => f.endsWith('.wal'));
      expect(segments.length).toBeGreaterThan(10);

      // The restart replays it with commits of ~256 KiB: each one used to trim segments not yet replayed.
      const second = await startChildNode(dataDir, provisioning, [
        '--flush-bytes',
        '256KiB',
        '--flush-ms',
        '100',
        '--wal-segment-bytes',
        '64KiB',
      ]);
      await second.recovered;
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const ids = rows(await readTable(dataDir, 'tables/main/sales/orders')).map((r) => Number(r.id));
      expect(ids.length).toBe(requests * perRequest);
      expect(new Set(ids).size).toBe(requests * perRequest);
    } finally {
      await cleanup();
    }
  });
});
