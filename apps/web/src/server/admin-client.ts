import { readFile } from 'node:fs/promises';
import { type AdminClient, createAdminClient } from '@lakestream/ingest/dist/admin/admin-client.js';
import type { IngestNodeConfig } from '../env';

export type { AdminClient };

/**
 * Connects to `node`'s admin API with its admin secret, read from its secret file at each connect (the node
 * writes the file at its first start, possibly after the console started). Rejects when the file cannot be
 * read.
 */
export async function connectAdmin(node: IngestNodeConfig): Promise<AdminClient> {
  const secret = node.secretFile === undefined ? undefined : (await readFile(node.secretFile, 'utf8')).trim();
  return createAdminClient(node.address, secret);
}
