import { IngestError } from '../base/errors.js';
import type { Log } from '../base/log.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import {
  assertStreamOwner,
  type PersistentStreamState,
  PersistentStreams,
} from '../pipeline/persistent-streams.js';
import type { WalRecord } from '../pipeline/wal-entry.js';
import type { PublisherSet } from '../publish/publisher-set.js';
import type { WriterIdentity } from '../publish/txn-app-id.js';
import { KeyedLock } from './keyed-lock.js';
import type { LeaseState, LeaseStore, StreamLease } from './lease-store.js';

/** The connection serving a persistent stream on this node. */
export interface StreamConnection {
  /** Ends the call at once with `reason`. */
  abort(reason: unknown): void;
  /** Resolves when the call has ended and everything it accepted is durable or failed. */
  readonly ended: Promise<void>;
}

/** What {@link StreamHandoff} works with. */
export interface StreamHandoffOptions {
  readonly persistent: PersistentStreams;
  readonly leases: LeaseStore;
  readonly publishers: PublisherSet;
  readonly writer: WriterIdentity;
  /** Logs a lifecycle entry; resolves once durable and applied to `persistent`. */
  readonly appendControl: (
    entry: WalRecord & { kind: 'stream-acquired' | 'stream-retired' },
  ) => Promise<void>;
  /** The provisioned table named `name`, if the catalog has it. */
  readonly tableNamed: (name: string) => ProvisionedTable | undefined;
  /** Whether the WAL failed (nothing may be released then: the node must restart). */
  readonly failed: () => boolean;
  readonly log: Log;
  /** Counts takes and releases (`lakestream_stream_handoffs_total`). */
  readonly onHandoff?: (event: 'taken' | 'released') => void;
  /** Pause between checks while a stream's records wait to be published (ms; default 250). */
  readonly retryMs?: number;
}

/** `<nodeId>:<incarnation>`: the writer a lease names (the prefix of its commits' appIds). */
export function holderName(writer: WriterIdentity): string {
  return `${writer.nodeId}:${writer.incarnation.id}`;
}

/**
 * Moves persistent streams between nodes without losing or repeating an acked record. A node holds a stream
 * while a connection of it is served there; when the connection ends (drain, shedding, a client that
 * reconnected elsewhere) the node waits until every record of the stream it acked is committed to the table,
 * then writes the release with the last durable offset. Another node resumes the stream by taking the next
 * epoch's lease (`LeaseStore`), answering `last_committed_offset` = that offset. Until the release is written
 * — the holder still publishing, or down after a crash (it releases once its WAL replay has published) — a
 * resume anywhere else is refused with UNAVAILABLE, and the client retries. So records acked by one node are
 * never written again by another, and none is acked twice.
 */
export class StreamHandoff {
  private readonly connections = new Map<string, StreamConnection>();
  private readonly lock = new KeyedLock();
  private readonly releasing = new Set<Promise<void>>();
  private readonly holder: string;
  private stopping = false;
  private replayEnded!: (complete: boolean) => void;
  /** Whether the WAL backlog was handed to the publishers: before that, "published" cannot be judged. */
  private readonly recovered = new Promise<boolean>((resolve) => {
    this.replayEnded = resolve;
  });

  constructor(private readonly o: StreamHandoffOptions) {
    this.holder = holderName(o.writer);
  }

  /**
   * Call when the WAL replay ended: `complete` when the whole backlog was handed to the publishers — then
   * every stream held with no connection is released once published; not complete (the node stopped first):
   * nothing is released, the next start does it.
   */
  recoveryEnded(complete: boolean): void {
    this.replayEnded(complete);
    if (complete) this.releaseIdle();
  }

  /**
   * The table a resume or retire of `streamId` is about: the one the request names through `namedBy` (any node
   * may serve it), else where this node knew the stream. INVALID_ARGUMENT when the two differ; NOT_FOUND when
   * there is neither, saying to name the table.
   */
  tableNameOf(
    streamId: string,
    named: string | undefined,
    action: 'resume' | 'retire',
    namedBy: string,
  ): string {
    const known = this.o.persistent.get(streamId)?.table;
    if (known !== undefined && named !== undefined && named !== known) {
      throw new IngestError(
        'INVALID_ARGUMENT',
        `persistent stream ${streamId} writes to ${known}, not ${named}`,
      );
    }
    const name = named ?? known;
    if (name === undefined) {
      throw new IngestError(
        'NOT_FOUND',
        `persistent stream ${streamId} is not known to this ingest node; to ${action} it on any node, set ${namedBy} to its table (catalog.schema.table)`,
      );
    }
    return name;
  }

  /** Creates a persistent stream on `table` held by this node and served by `connection`; returns its id. */
  async create(table: ProvisionedTable, principalId: string, connection: StreamConnection): Promise<string> {
    const streamId = PersistentStreams.newId();
    const lease = this.lease(table, 1, principalId, null);
    await this.o.appendControl({ ...this.acquired(streamId, lease), from: undefined });
    if (!(await this.o.leases.acquire(table, streamId, lease))) {
      this.o.persistent.release(streamId, 1);
      throw new IngestError('INTERNAL', `persistent stream id ${streamId} is taken already; create again`);
    }
    this.connect(streamId, connection);
    return streamId;
  }

  /**
   * Resumes `streamId` of `table` for `principalId` on `connection`: taken over from an older connection on
   * this node, or from the node that released it. Returns the last durable offset (`undefined`: none).
   * NOT_FOUND for a stream unknown on this table or retired, PERMISSION_DENIED for another principal's,
   * UNAVAILABLE while another node holds it.
   */
  resume(
    table: ProvisionedTable,
    streamId: string,
    principalId: string,
    connection: StreamConnection,
  ): Promise<bigint | undefined> {
    return this.lock.run(streamId, async () => {
      const state = await this.leaseOf(table, streamId);
      const lease = this.assertUsable(table, streamId, state, principalId, 'resume');
      if (state.release === undefined) {
        const local = this.heldHere(streamId, lease);
        const previous = this.connections.get(streamId);
        if (previous !== undefined) {
          previous.abort(
            new IngestError('ABORTED', `persistent stream ${streamId} was resumed on another connection`),
          );
          await previous.ended;
        }
        this.connect(streamId, connection);
        return local.lastDurable;
      }
      const from = state.release.offset;
      await this.take(table, streamId, this.lease(table, lease.epoch + 1, lease.principalId, from));
      this.connect(streamId, connection);
      return from === null ? undefined : BigInt(from);
    });
  }

  /**
   * Retires `streamId` of `table` (its data stays): its live connection here ends, its records are
   * published, and the last release says `retired`, so no node resumes it again. Idempotent.
   */
  retire(table: ProvisionedTable, streamId: string, principalId: string): Promise<void> {
    return this.lock.run(streamId, async () => {
      const state = await this.leaseOf(table, streamId);
      if (state.release?.retired) return;
      const lease = this.assertUsable(table, streamId, state, principalId, 'retire');
      let epoch = lease.epoch;
      if (state.release === undefined) {
        this.heldHere(streamId, lease);
        const connection = this.connections.get(streamId);
        if (connection !== undefined) {
          connection.abort(new IngestError('ABORTED', `persistent stream ${streamId} was retired`));
          await connection.ended;
        }
      } else {
        epoch += 1;
        await this.take(table, streamId, this.lease(table, epoch, lease.principalId, state.release.offset));
      }
      await this.o.appendControl({ kind: 'stream-retired', streamId });
      const st = this.o.persistent.get(streamId)!;
      if (!(await this.untilPublished(table, st)))
        throw new IngestError('UNAVAILABLE', `the node is stopping; retire ${streamId} again`);
      await this.writeRelease(table, st, epoch);
    });
  }

  /** Releases, once published, every stream this node holds with no connection. */
  private releaseIdle(): void {
    for (const st of this.o.persistent.held()) {
      if (!this.connections.has(st.streamId)) this.releaseWhenPublished(st.streamId);
    }
  }

  /**
   * Stops: releases what can be released within `timeoutMs`, then gives up on the rest (they stay held until
   * the node is back and releases them after its replay).
   */
  async close(timeoutMs: number): Promise<void> {
    this.replayEnded(false);
    this.releaseIdle();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.releasing),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.stopping = true;
    await Promise.all(this.releasing);
  }

  // -------------------------------------------------------------------------------------------------------

  private lease(
    table: ProvisionedTable,
    epoch: number,
    principalId: string | null,
    from: string | null,
  ): StreamLease {
    return {
      epoch,
      holder: this.holder,
      nodeId: this.o.writer.nodeId,
      table: table.name,
      principalId,
      from,
      acquiredAt: new Date().toISOString(),
    };
  }

  private acquired(streamId: string, lease: StreamLease) {
    return {
      kind: 'stream-acquired',
      streamId,
      table: lease.table,
      principalId: lease.principalId ?? undefined,
      epoch: lease.epoch,
      from: lease.from === null ? undefined : BigInt(lease.from),
    } as const;
  }

  /**
   * Takes the stream at `lease.epoch`: logged first (so a crash before the lease object is written is found
   * and dropped at the next start), then the lease object; UNAVAILABLE when another node took it first.
   */
  private async take(table: ProvisionedTable, streamId: string, lease: StreamLease): Promise<void> {
    await this.o.appendControl(this.acquired(streamId, lease));
    if (!(await this.o.leases.acquire(table, streamId, lease))) {
      this.o.persistent.release(streamId, lease.epoch);
      throw new IngestError(
        'UNAVAILABLE',
        `persistent stream ${streamId} (table ${table.name}) was taken by another node at the same moment; retry`,
      );
    }
    if (lease.epoch > 1) this.o.onHandoff?.('taken');
    this.o.log.info(
      { streamId, table: table.name, epoch: lease.epoch, from: lease.from },
      'persistent stream taken over (lease acquired)',
    );
  }

  /**
   * The stream's lease state; a stream this node created before leases existed (epoch `undefined`, held) is
   * given its epoch-0 lease here first.
   */
  private async leaseOf(table: ProvisionedTable, streamId: string): Promise<LeaseState> {
    const state = await this.o.leases.read(table, streamId);
    if (state.lease !== undefined) return state;
    const local = this.o.persistent.get(streamId);
    if (local === undefined || local.epoch !== undefined || !local.held || local.table !== table.name)
      return state;
    await this.o.leases.acquire(
      table,
      streamId,
      this.lease(table, 0, local.principalId ?? null, local.lastDurable?.toString() ?? null),
    );
    return this.o.leases.read(table, streamId);
  }

  private assertUsable(
    table: ProvisionedTable,
    streamId: string,
    state: LeaseState,
    principalId: string,
    action: 'resume' | 'retire',
  ): StreamLease {
    const lease = state.lease;
    if (lease === undefined) {
      throw new IngestError(
        'NOT_FOUND',
        `persistent stream ${streamId} is not known on table ${table.name}: create a stream, or name the table it was created on`,
      );
    }
    if (state.release?.retired) {
      throw new IngestError('NOT_FOUND', `persistent stream ${streamId} was retired`);
    }
    assertStreamOwner(
      { streamId, table: table.name, principalId: lease.principalId ?? undefined },
      principalId,
      action,
    );
    if (state.release === undefined && lease.holder !== this.holder) {
      throw new IngestError(
        'UNAVAILABLE',
        `persistent stream ${streamId} (table ${table.name}) is held by node ${lease.nodeId} since ${lease.acquiredAt}; it moves here once that node has published its records and released it (at the end of its connection there, or after its restart); retry`,
      );
    }
    return lease;
  }

  /** This node's state of a stream whose unreleased lease names this node. */
  private heldHere(streamId: string, lease: StreamLease): PersistentStreamState {
    const local = this.o.persistent.get(streamId);
    if (local === undefined || (local.epoch ?? 0) !== lease.epoch || !local.held) {
      throw new IngestError(
        'INTERNAL',
        `persistent stream ${streamId}: its lease at epoch ${lease.epoch} names this node, which has no record of taking it`,
      );
    }
    return local;
  }

  private connect(streamId: string, connection: StreamConnection): void {
    this.connections.set(streamId, connection);
    void connection.ended.then(() => {
      if (this.connections.get(streamId) !== connection) return;
      this.connections.delete(streamId);
      this.releaseWhenPublished(streamId);
    });
  }

  private releaseWhenPublished(streamId: string): void {
    const task = this.releaseOnce(streamId)
      .catch((err: unknown) =>
        this.o.log.error(
          { streamId, err },
          'releasing a persistent stream failed: it stays held by this node until the node restarts',
        ),
      )
      .finally(() => this.releasing.delete(task));
    this.releasing.add(task);
  }

  private async releaseOnce(streamId: string): Promise<void> {
    if (!(await this.recovered)) return;
    const idle = this.idleHeld(streamId);
    if (idle === undefined) return;
    if (idle.table === undefined) {
      this.o.log.warn(
        { streamId, table: idle.st.table },
        'persistent stream not released: its table is no longer provisioned',
      );
      return;
    }
    const stillIdle = () => this.idleHeld(streamId) !== undefined;
    if (!(await this.untilPublished(idle.table, idle.st, stillIdle))) return;
    await this.lock.run(streamId, async () => {
      const { st, table } = this.idleHeld(streamId) ?? {};
      if (st === undefined || table === undefined) return;
      const state = await this.leaseOf(table, streamId);
      const epoch = st.epoch ?? 0;
      if (state.lease?.epoch !== epoch || state.lease.holder !== this.holder) {
        // Logged, but the lease object was never written (a crash in between), or another node won it.
        this.o.persistent.release(streamId, st.epoch);
        return;
      }
      if (state.release !== undefined) {
        this.o.persistent.release(streamId, st.epoch);
        return;
      }
      await this.writeRelease(table, st, epoch);
    });
  }

  /** A stream this node holds with no connection, and its table (`undefined`: no longer provisioned). */
  private idleHeld(streamId: string) {
    const st = this.o.persistent.get(streamId);
    if (st === undefined || !st.held || this.connections.has(streamId)) return undefined;
    return { st, table: this.o.tableNamed(st.table) };
  }

  /**
   * Waits until `published`; false when the node stops or its WAL failed first, or `wanted` stops holding (a
   * connection took the stream back: its records keep coming, waiting would flush the table again and again).
   */
  private async untilPublished(
    table: ProvisionedTable,
    st: PersistentStreamState,
    wanted: () => boolean = () => true,
  ): Promise<boolean> {
    for (;;) {
      if (this.stopping || this.o.failed() || !wanted()) return false;
      if (await this.published(table, st)) return true;
      await sleep(this.o.retryMs ?? 250);
    }
  }

  private async writeRelease(table: ProvisionedTable, st: PersistentStreamState, epoch: number) {
    const offset = st.lastDurable?.toString() ?? null;
    await this.o.leases.release(table, st.streamId, {
      epoch,
      holder: this.holder,
      offset,
      retired: st.retired,
      releasedAt: new Date().toISOString(),
    });
    this.o.persistent.release(st.streamId, st.epoch);
    this.o.onHandoff?.('released');
    this.o.log.info(
      { streamId: st.streamId, table: table.name, epoch, offset, retired: st.retired },
      'persistent stream released: every acked record is in the table',
    );
  }

  /** Whether every record of `st` this node logged is committed to `table` (publishes now if not). */
  private async published(table: ProvisionedTable, st: PersistentStreamState): Promise<boolean> {
    const last = st.lastPosition;
    if (last === undefined) return true;
    const publisher = this.o.publishers.publisher(table);
    const done = () => publisher.lowestPending === undefined || publisher.lowestPending > last;
    if (done()) return true;
    await publisher.flush().catch(() => undefined);
    return done();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
