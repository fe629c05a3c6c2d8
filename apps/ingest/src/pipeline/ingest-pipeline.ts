import type { BacklogBound } from '../admission/backlog-bound.js';
import type { ByteBudget } from '../admission/byte-budget.js';
import type { RequestHold } from '../admission/request-hold.js';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import type { DescriptorStore } from '../decode/descriptor-store.js';
import type { DecodedRecords } from '../decode/record-decoder.js';
import type { PublisherSet } from '../publish/publisher-set.js';
import type { Wal, WalPayload } from '../wal/wal.js';
import type { PersistentStreams } from './persistent-streams.js';
import { encodeWalRecord, type WalRecord } from './wal-entry.js';

/** One accepted request on its way to the WAL and the table. */
export interface AcceptedRecords {
  readonly table: ProvisionedTable;
  readonly entry: WalRecord & { kind: 'records' };
  readonly decoded: DecodedRecords;
  /** What it holds in the node budget: released in part once durable, the rest once published. */
  readonly hold: RequestHold;
}

/**
 * The node's shared path from an accepted request to durability and publishing: WAL append (resolves once
 * the fsync covering it returned), then the decoded rows go to the table's publisher and the durable
 * frontier moves. A WAL failure poisons the pipeline: no later append is acked (the node must restart).
 */
export interface IngestPipeline {
  readonly wal: Wal;
  readonly descriptors: DescriptorStore;
  readonly publishers: PublisherSet;
  readonly persistent: PersistentStreams;
  /** Memory held by requests read and not yet published, across the node (see `RequestHolds`). */
  readonly nodeBudget: ByteBudget;
  /** Logs records; resolves once durable. Rejects with `IngestError('UNAVAILABLE')` if the WAL failed. */
  appendRecords(accepted: AcceptedRecords): Promise<void>;
  /** Logs a persistent-stream lifecycle event; resolves once durable and applied. */
  appendControl(entry: WalRecord & { kind: 'stream-acquired' | 'stream-retired' }): Promise<void>;
  /** The WAL failure that stopped the node, if any. */
  readonly failure: unknown;
}

/** Wires the pipeline over its parts. */
export function createIngestPipeline(parts: {
  wal: Wal;
  descriptors: DescriptorStore;
  publishers: PublisherSet;
  persistent: PersistentStreams;
  nodeBudget: ByteBudget;
  /** Measures the publish rate that bounds the backlog (none: the budget alone bounds it). */
  backlog?: BacklogBound | undefined;
  onWalFailure: (error: unknown) => void;
}): IngestPipeline {
  const { wal, publishers, persistent } = parts;
  let failure: unknown;

  const fail = (err: unknown): never => {
    if (failure === undefined) {
      failure = err;
      parts.onWalFailure(err);
    }
    throw new IngestError('UNAVAILABLE', 'the ingest node cannot write its log; reconnect to another node', {
      cause: err,
    });
  };

  const append = async (payload: WalPayload): Promise<bigint> => {
    if (failure !== undefined) fail(failure);
    try {
      const [position] = await wal.append([payload]);
      return position!;
    } catch (err) {
      return fail(err);
    }
  };

  return {
    wal,
    descriptors: parts.descriptors,
    publishers,
    persistent,
    nodeBudget: parts.nodeBudget,
    get failure() {
      return failure;
    },
    async appendRecords(accepted) {
      const { hold } = accepted;
      let position: bigint;
      try {
        position = await append(encodeWalRecord(accepted.entry));
      } catch (err) {
        parts.nodeBudget.release(hold.untilDurable + hold.untilPublished);
        throw err;
      }
      parts.nodeBudget.release(hold.untilDurable);
      if (accepted.entry.persistent) persistent.apply(accepted.entry, position);
      const { batch, release } = accepted.decoded;
      publishers.publish(accepted.table, {
        position,
        batch,
        bytes: hold.untilPublished,
        ackedAt: performance.now(),
        release: () => {
          release();
          parts.backlog?.published(hold.untilPublished);
          parts.nodeBudget.release(hold.untilPublished);
        },
      });
      publishers.resolved([position]);
    },
    async appendControl(entry) {
      const position = await append(encodeWalRecord(entry));
      persistent.apply(entry);
      publishers.resolved([position]);
    },
  };
}
