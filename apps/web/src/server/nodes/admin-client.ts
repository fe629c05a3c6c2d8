import { readFile } from 'node:fs/promises';
import type { AdminClient } from '@lakestream/ingest/admin';
import type { IngestNodeConfig } from '../../env';

export type { AdminClient };

/**
 * Connects to `node`'s admin API with apps/ingest's own client and its admin secret, read from its secret
 * file at each connect (the node writes the file at its first start, possibly after the console started).
 * The client is loaded by Node at run time, not bundled (it finds its .proto file by `import.meta.url`;
 * see catalog.ts). Rejects when the file cannot be read.
 */
export async function connectAdmin(node: IngestNodeConfig): Promise<AdminClient> {
  const { createAdminClient } = (await import(
    /* turbopackIgnore: true */ /* webpackIgnore: true */ '@lakestream/ingest/admin'
  )) as typeof import('@lakestream/ingest/admin');
  const secret = node.secretFile === undefined ? undefined : (await readFile(node.secretFile, 'utf8')).trim();
  return createAdminClient(node.address, secret);
}
