import type { Authenticator } from '../auth/authenticator.js';
import { resolveWritableTable } from '../auth/table-access.js';
import { IngestError } from '../base/errors.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import { assertStreamId } from '../handoff/lease-store.js';
import type { StreamHandoff } from '../handoff/stream-handoff.js';
import type { RetireRequest } from '../zerobus/decode-request.js';

/**
 * `RetireStream`: forgets a persistent stream (its data stays), on any node (`StreamHandoff.retire`).
 * Idempotent: retiring a retired stream is OK. The caller needs MODIFY on the stream's table and must be the
 * principal that created the stream (PERMISSION_DENIED); the table is `table_name` (needed on a node that
 * never held the stream; one that is not the stream's is INVALID_ARGUMENT); an unknown id is NOT_FOUND; a
 * stream another node holds is UNAVAILABLE (retry). A live connection of the stream ends with ABORTED.
 */
export async function retireStream(
  req: RetireRequest,
  authorization: string | undefined,
  ctx: {
    catalog: CatalogSource;
    authenticator: Authenticator;
    handoff: StreamHandoff;
  },
): Promise<void> {
  const principal = await ctx.authenticator.authenticate(authorization);
  const id = req.streamId;
  if (id === undefined || id === '')
    throw new IngestError('INVALID_ARGUMENT', 'RetireStream needs a stream_id');
  assertStreamId(id);
  const named = req.tableName?.trim().toLowerCase() || undefined;
  const tableName = ctx.handoff.tableNameOf(id, named, 'retire', 'table_name');
  const table = resolveWritableTable(ctx.catalog.current(), principal, tableName, 'set table_name');
  await ctx.handoff.retire(table, id, principal.id);
}
