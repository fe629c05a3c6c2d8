/**
 * What the admin API reads of the node's publishers (`ListStreamsResponse.tables`). The node's `PublisherSet`
 * satisfies this interface as it is, so pass it directly.
 */

/** Publishing of one table on this node. */
export interface TablePublishInfo {
  /** Three-part table name, lower case. */
  readonly table: string;
  /** Age (ms) of the oldest record acked and not yet in the Delta table; 0 when nothing waits. */
  readonly oldestUnpublishedAgeMs: number;
  /** Records acked and not yet in the table. */
  readonly unpublishedRecords: number;
  /** The bytes of memory they hold in the node's buffer until published (its in-flight budget). */
  readonly unpublishedBytes: number;
  /** The Delta version of this node's last commit to the table since it started; `undefined` before one. */
  readonly lastCommittedVersion: number | undefined;
  /** When that commit was made (ms since the epoch); `undefined` before one. */
  readonly lastCommitAt: number | undefined;
}

/** The node's publishers, listed on demand (once per admin call: cheap, no I/O). */
export interface PublishRegistry {
  /** Every table this node has published to, or holds records for, since it started. */
  publishInfo(): readonly TablePublishInfo[];
}
