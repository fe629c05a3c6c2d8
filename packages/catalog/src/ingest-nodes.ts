import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { CatalogDb, CatalogTables } from './db/catalog-db.js';

/** What a node is doing, as its heartbeat says. `drained`: draining, no live stream, nothing left to publish. */
export const NODE_STATES = ['serving', 'draining', 'drained'] as const;
export type NodeServingState = (typeof NODE_STATES)[number];

/** One heartbeat of an ingest node (`POST /api/nodes/heartbeat`). */
export interface NodeHeartbeat {
  readonly nodeId: string;
  /** `host:port` producers connect to. */
  readonly endpoint: string;
  /** `host:port` of the node's admin API. */
  readonly adminAddress: string;
  readonly version: string;
  /** When the node process started (ms since the epoch). */
  readonly startedAt: number;
  readonly streams: number;
  readonly bytesPerSecond: number;
  readonly memoryUsedBytes: number;
  readonly memoryBudgetBytes: number;
  readonly walBacklogBytes: number;
  readonly state: NodeServingState;
  /** The node's beat interval (ms). */
  readonly beatMs: number;
}

/** A registered node with its last heartbeat. */
export interface RegisteredNode extends NodeHeartbeat {
  readonly registeredAt: number;
  /** When its last beat arrived (the console's clock). */
  readonly lastBeatAt: number;
}

/** One load sample of a node (one per heartbeat). */
export interface NodeLoadSample {
  readonly at: number;
  readonly streams: number;
  readonly bytesPerSecond: number;
  readonly memoryUsedBytes: number;
  readonly walBacklogBytes: number;
}

/**
 * Stores `beat` as the node's latest state (registering it on its first beat) and appends a load sample, at
 * `now` (the receiver's clock, so that a node with a wrong clock is judged fairly). Returns the registration.
 */
export function recordHeartbeat(
  db: CatalogDb,
  beat: NodeHeartbeat,
  now = Date.now(),
): Promise<RegisteredNode> {
  return db.transaction(async ({ orm, tables: { IngestNodes, IngestNodeLoad } }) => {
    const { nodeId, ...latest } = beat;
    const [row] = await orm
      .insert(IngestNodes)
      .values({ ...beat, registeredAt: now, lastBeatAt: now })
      .onConflictDoUpdate({ target: IngestNodes.nodeId, set: { ...latest, lastBeatAt: now } })
      .returning();
    await orm.insert(IngestNodeLoad).values({
      nodeId,
      at: now,
      streams: beat.streams,
      bytesPerSecond: beat.bytesPerSecond,
      memoryUsedBytes: beat.memoryUsedBytes,
      walBacklogBytes: beat.walBacklogBytes,
    });
    if (row === undefined) throw new Error(`recordHeartbeat: no row returned for node '${nodeId}'`);
    return toRegisteredNode(row);
  });
}

/** Every registered node, by node id. */
export function listRegisteredNodes(db: CatalogDb): Promise<RegisteredNode[]> {
  return db.run(async ({ orm, tables: { IngestNodes } }) => {
    const rows = await orm.select().from(IngestNodes).orderBy(asc(IngestNodes.nodeId));
    return rows.map(toRegisteredNode);
  });
}

/** One registered node, or undefined. */
export function getRegisteredNode(db: CatalogDb, nodeId: string): Promise<RegisteredNode | undefined> {
  return db.run(async ({ orm, tables: { IngestNodes } }) => {
    const [row] = await orm.select().from(IngestNodes).where(eq(IngestNodes.nodeId, nodeId));
    return row === undefined ? undefined : toRegisteredNode(row);
  });
}

/** The load samples of `nodeId` taken at or after `since`, oldest first. */
export function nodeLoadHistory(db: CatalogDb, nodeId: string, since: number): Promise<NodeLoadSample[]> {
  return db.run(async ({ orm, tables: { IngestNodeLoad: L } }) =>
    orm
      .select({
        at: L.at,
        streams: L.streams,
        bytesPerSecond: L.bytesPerSecond,
        memoryUsedBytes: L.memoryUsedBytes,
        walBacklogBytes: L.walBacklogBytes,
      })
      .from(L)
      .where(and(eq(L.nodeId, nodeId), gte(L.at, since)))
      .orderBy(asc(L.at)),
  );
}

/**
 * Forgets the nodes whose last beat is older than `before` and every load sample older than `before`; returns
 * the node ids dropped.
 */
export function pruneRegisteredNodes(db: CatalogDb, before: number): Promise<string[]> {
  return db.transaction(async ({ orm, tables: { IngestNodes, IngestNodeLoad } }) => {
    const dropped = await orm
      .delete(IngestNodes)
      .where(lt(IngestNodes.lastBeatAt, before))
      .returning({ nodeId: IngestNodes.nodeId });
    await orm.delete(IngestNodeLoad).where(lt(IngestNodeLoad.at, before));
    return dropped.map((d) => d.nodeId);
  });
}

/**
 * Whether `node` counts as reachable at `now`: not once `missedBeats` of its beat intervals passed since its
 * last beat.
 */
export function isNodeReachable(
  node: Pick<RegisteredNode, 'lastBeatAt' | 'beatMs'>,
  now: number,
  missedBeats: number,
): boolean {
  return now - node.lastBeatAt <= node.beatMs * missedBeats;
}

function toRegisteredNode(row: CatalogTables['IngestNodes']['$inferSelect']): RegisteredNode {
  return {
    nodeId: row.nodeId,
    endpoint: row.endpoint,
    adminAddress: row.adminAddress,
    version: row.version,
    startedAt: row.startedAt,
    registeredAt: row.registeredAt,
    lastBeatAt: row.lastBeatAt,
    beatMs: row.beatMs,
    streams: row.streams,
    bytesPerSecond: row.bytesPerSecond,
    memoryUsedBytes: row.memoryUsedBytes,
    memoryBudgetBytes: row.memoryBudgetBytes,
    walBacklogBytes: row.walBacklogBytes,
    state: (NODE_STATES as readonly string[]).includes(row.state)
      ? (row.state as NodeServingState)
      : 'serving',
  };
}
