import type { Authenticator } from '../auth/authenticator.js';
import { authorizeWrite } from '../auth/table-access.js';
import { IngestError } from '../base/errors.js';
import type { CatalogSource } from '../catalog/catalog-view.js';
import type { IngestPipeline } from '../pipeline/ingest-pipeline.js';
import { assertStreamOwner } from '../pipeline/persistent-streams.js';
import type { RetireRequest } from '../zerobus/decode-request.js';
import type { LiveStreams } from './live-streams.js';

/**
 * `RetireStream`: forgets a persistent stream (its data stays). Idempotent: retiring a retired stream is OK.
 * The caller needs MODIFY on the stream's table and must be the principal that created the stream
 * (`assertStreamOwner`: PERMISSION_DENIED); a `table_name` that is not the stream's is INVALID_ARGUMENT; an
 * unknown id is NOT_FOUND. A live connection of the stream ends with NOT_FOUND-free ABORTED.
 */
export async function retireStream(
  req: RetireRequest,
  authorization: string | undefined,
  ctx: { pipeline: IngestPipeline; catalog: CatalogSource; authenticator: Authenticator; live: LiveStreams },
): Promise<void> {
  const principal = await ctx.authenticator.authenticate(authorization);
  const id = req.streamId;
  if (id === undefined || id === '')
    throw new IngestError('INVALID_ARGUMENT', 'RetireStream needs a stream_id');
  const st = ctx.pipeline.persistent.get(id);
  if (st === undefined)
    throw new IngestError('NOT_FOUND', `persistent stream ${id} is not known to this ingest node`);
  const named = req.tableName?.trim().toLowerCase();
  if (named !== undefined && named !== '' && named !== st.table) {
    throw new IngestError('INVALID_ARGUMENT', `persistent stream ${id} writes to ${st.table}, not ${named}`);
  }
  authorizeWrite(ctx.catalog.current(), principal, st.table);
  assertStreamOwner(st, principal.id, 'retire');
  if (st.retired) return;
  const owner = ctx.live.owner(id);
  if (owner !== undefined) {
    owner.abort(new IngestError('ABORTED', `persistent stream ${id} was retired`));
    await owner.ended;
  }
  await ctx.pipeline.appendControl({ kind: 'stream-retired', streamId: id });
}
