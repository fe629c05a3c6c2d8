import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openTable } from '@lakestream/delta';
import { createAuthenticator } from '../../src/auth/create-authenticator.js';
import { createMemoryCatalogSource } from '../../src/catalog/memory-catalog-source.js';
import type { IngestNode } from '../../src/server-node.js';
import { ORDERS, testSnapshot, testTokens } from './test-catalog.js';
import { openStream, req, zerobusClient } from './zerobus-client.js';

/*
 * One table written by several nodes (each on its own data directory) in one process: the catalog that puts
 * it at one absolute location, the producer, and the audit of what the table holds.
 */

/** The test catalog with `main.sales.orders` at `location` (absolute: nodes on other data dirs share it). */
export function sharedCatalog(location: string, tokens = testTokens()) {
  const snapshot = testSnapshot(tokens);
  const catalog = createMemoryCatalogSource({
    ...snapshot,
    tables: snapshot.tables.map((t) => (t.name === ORDERS ? { ...t, location } : t)),
  });
  return { catalog, authenticator: createAuthenticator(catalog), tokens };
}

/** Sends `ids` as JSON requests of one record each on a new stream and waits for their acks. */
export async function ingestIds(node: IngestNode, token: string, ids: readonly number[]): Promise<void> {
  const client = zerobusClient(node.port);
  try {
    const s = openStream(client, 'EphemeralStream', token, ORDERS);
    s.send(req.create(ORDERS, 2));
    await s.streamId();
    for (const [offset, id] of ids.entries())
      s.send(req.json(offset, [JSON.stringify({ id, item: `item ${id}` })]));
    await s.ackedAtLeast(ids.length - 1);
    await s.finish();
  } finally {
    client.close();
  }
}

/** The table's ids, sorted, and the `txn` appIds of its commits (with their versions, in log order). */
export async function readShared(location: string) {
  const table = await openTable(location);
  try {
    const ids = (await table.scan()).getChild('id')!.toArray() as BigInt64Array;
    const txns: { appId: string; version: bigint }[] = [];
    const log = join(location, '_delta_log');
    for (const name of (await readdir(log)).filter((n) => n.endsWith('.json')).sort()) {
      for (const line of (await readFile(join(log, name), 'utf8')).split('\n')) {
        const txn = line === '' ? undefined : (JSON.parse(line) as { txn?: { appId: string } }).txn;
        if (txn !== undefined)
          txns.push({ appId: txn.appId, version: BigInt(/"version":(\d+)/.exec(line)![1]!) });
      }
    }
    return { ids: [...ids].map(Number).sort((a, b) => a - b), txns };
  } finally {
    await table.close();
  }
}
