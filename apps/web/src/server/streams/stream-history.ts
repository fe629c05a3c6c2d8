import type { CatalogDb } from '@lakestream/catalog';
import { lastStoredSeq, pruneStreamHistory, recordEndedStreams, recordEvent } from '../catalog';
import type { EndedStreamSink } from './stream-sampler';

const DAY_MS = 24 * 3_600_000;
/** Pruning runs at most this often (ms): it is one indexed DELETE, but not needed every sampling. */
const PRUNE_EVERY_MS = 60_000;

/**
 * The stream history in the catalog as the sampler's sink: ended streams are stored once each (see
 * `recordEndedStreams`), the cursor of a node is the last seq stored for its start (so a console restart reads
 * on where it stopped), and streams that ended more than `retentionDays` ago are pruned, at most once a minute.
 * A stream a new catalog snapshot cut (a credential revoked, a grant lost: `revoked`) is also recorded in the
 * audit log as `stream.cut` on its table, by actor `node:<address>`, once.
 */
export function createStreamHistorySink(
  db: CatalogDb,
  retentionDays: number,
  now: () => number = Date.now,
): EndedStreamSink & { prune(): Promise<number> } {
  let prunedAt = 0;
  const prune = async () => {
    prunedAt = now();
    return await pruneStreamHistory(db, prunedAt - retentionDays * DAY_MS);
  };
  return {
    cursor: (node, nodeStartedAt) => lastStoredSeq(db, node, nodeStartedAt),
    async record(node, nodeStartedAt, streams) {
      for (const s of await recordEndedStreams(db, node, nodeStartedAt, streams)) {
        if (!s.revoked) continue;
        await recordEvent(
          db,
          { principalId: `node:${node}`, address: null },
          {
            action: 'stream.cut',
            targetType: 'table',
            target: s.table,
            details: {
              streamId: s.streamId,
              principalId: s.principalId,
              credentialId: s.credentialId,
              status: s.status,
              reason: s.message,
              records: s.records,
              ackedOffset: s.ackedOffset,
            },
          },
          s.endedAt,
        );
      }
      if (now() - prunedAt >= PRUNE_EVERY_MS) await prune();
    },
    prune,
  };
}
