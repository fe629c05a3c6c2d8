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
