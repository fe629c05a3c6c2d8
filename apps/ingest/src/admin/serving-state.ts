import type { PublishStats } from '../publish/table-publisher.js';

/**
 * What the node is doing, as admin `GetStatus` and the heartbeat report it: `serving`; `draining` (new streams
 * are refused, live ones were sent `close_stream_signal`); `drained` — draining, no live stream left and nothing
 * acked left to publish (no table holds unpublished records and the WAL backlog found at start was handed on),
 * so the node can be stopped without moving work to its next start.
 */
export type ServingState = 'serving' | 'draining' | 'drained';

/** Judges the serving state from the node's parts (cheap: no I/O). */
export function servingState(parts: {
  readonly draining: boolean;
  readonly liveStreams: number;
  readonly publishing: readonly Pick<PublishStats, 'unpublishedRecords'>[];
  readonly recoveryRemaining: number;
}): ServingState {
  if (!parts.draining) return 'serving';
  const unpublished = parts.publishing.some((t) => t.unpublishedRecords > 0);
  return parts.liveStreams === 0 && !unpublished && parts.recoveryRemaining === 0 ? 'drained' : 'draining';
}
