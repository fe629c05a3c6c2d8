import type { PublishStats } from '../publish/table-publisher.js';

/**
 * What the admin API reads of the node's publishers (`ListStreamsResponse.tables`). The node's `PublisherSet`
 * satisfies this interface as it is, so pass it directly.
 */

/** Publishing of one table on this node: what its publisher reports (see `PublishStats`). */
export type TablePublishInfo = PublishStats;

/** The node's publishers, listed on demand (once per admin call: cheap, no I/O). */
export interface PublishRegistry {
  /** Every table this node has published to, or holds records for, since it started. */
  publishInfo(): readonly TablePublishInfo[];
}
