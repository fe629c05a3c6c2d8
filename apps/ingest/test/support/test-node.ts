import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTable } from '@lakestream/delta';
import type { Table as ArrowTable } from 'apache-arrow';
import { type IngestNode, type IngestNodeOptions, openIngestNode } from '../../src/server-node.js';
import { testCatalog } from './test-catalog.js';

/** A temporary data directory, removed by `cleanup`. */
export async function tempDir(
  prefix = 'lakestream-ingest-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts a node on 127.0.0.1:0 over the test catalog (real WAL, real Delta tables under `dataDir`). */
export async function startTestNode(
  dataDir: string,
  { cat: given, ...options }: Partial<IngestNodeOptions> & { cat?: ReturnType<typeof testCatalog> } = {},
): Promise<{ node: IngestNode; cat: ReturnType<typeof testCatalog> }> {
  const cat = given ?? testCatalog();
  const node = await openIngestNode({
    dataDir,
    catalog: cat.catalog,
    authenticator: cat.authenticator,
    flushMs: 100,
    parquetWorkers: 1,
    ...options,
  });
  return { node, cat };
}

/** Reads a Delta table under the node's data dir. */
export async function readTable(dataDir: string, location: string): Promise<ArrowTable> {
  const t = await openTable(join(dataDir, location));
  try {
    return await t.scan();
  } finally {
    await t.close();
  }
}

/** Rows of an Arrow table as plain objects (bigints kept). */
export function rows(table: ArrowTable): Record<string, unknown>[] {
  return table.toArray().map((r) => ({ ...(r as { toJSON(): Record<string, unknown> }).toJSON() }));
}
