import type { CatalogDb } from '@lakestream/catalog';
import { isNodeReachable, listCredentials, listRegisteredNodes } from '../catalog';
import { NOT_SAMPLED_YET } from '../streams/live-view';
import type { StreamSampler } from '../streams/stream-sampler';

/** A table's figures at the latest sampling. */
export interface TableFigure {
  readonly table: string;
  /** Age of the oldest acked record not yet in the Delta table (ms); null when not publishing. */
  readonly publishLagMs: number | null;
  readonly errorsPerSec: number;
}

/** A node the console knows, and how long it has been unreachable (0: it answers). */
export interface NodeFigure {
  /** Its node id, or its admin address when the id is not known. */
  readonly node: string;
  readonly address: string;
  readonly unreachableMs: number;
}

/** A credential that can expire: not revoked, with an expiry. */
export interface CredentialFigure {
  readonly clientId: string;
  readonly expiresAt: number;
}

/** Where the alert evaluator reads what its rules watch; each read is of now. */
export interface AlertFigures {
  tables(): Promise<readonly TableFigure[]>;
  nodes(now: number): Promise<readonly NodeFigure[]>;
  credentials(): Promise<readonly CredentialFigure[]>;
}

/** What `createLiveAlertFigures` reads. */
export interface LiveAlertFiguresOptions {
  readonly db: CatalogDb;
  readonly sampler: Pick<StreamSampler, 'view'>;
  /** Beats a registered node may miss before it is unreachable (`LAKESTREAM_NODE_MISSED_BEATS`). */
  readonly nodeMissedBeats: number;
}

/**
 * The console's live figures: tables from the stream sampler's latest sampling (publish lag and errors/s, as
 * the Streams page shows them); nodes from the sampler's nodes (a node whose admin API did not answer counts
 * as unreachable from the first sampling that said so) and from the registered nodes that missed their beats
 * (unreachable since their last beat); credentials from the catalog.
 */
export function createLiveAlertFigures(options: LiveAlertFiguresOptions): AlertFigures {
  const { db, sampler } = options;
  /** Since when each sampled node (by admin address) has been unreachable. */
  const downSince = new Map<string, number>();
  return {
    async tables() {
      return sampler.view(60).tables.map((t) => ({
        table: t.table,
        publishLagMs: t.current?.publishLagMs ?? null,
        errorsPerSec: t.current?.errorsPerSec ?? 0,
      }));
    },
    async nodes(now) {
      const view = sampler.view(60);
      const figures = new Map<string, NodeFigure>();
      const seen = new Set<string>();
      for (const n of view.nodes) {
        if (n.error === NOT_SAMPLED_YET) continue;
        seen.add(n.address);
        let since = downSince.get(n.address);
        if (n.reachable) downSince.delete(n.address);
        else if (since === undefined) {
          since = view.sampledAt;
          downSince.set(n.address, since);
        }
        const node = n.nodeId ?? n.address;
        const unreachableMs = n.reachable ? 0 : now - (since ?? now);
        // A node seen at two addresses (restarted on new ports) counts at its worst until the old one leaves.
        if ((figures.get(node)?.unreachableMs ?? -1) < unreachableMs)
          figures.set(node, { node, address: n.address, unreachableMs });
      }
      for (const address of [...downSince.keys()]) if (!seen.has(address)) downSince.delete(address);
      // A registered node that stopped beating has left the sampler's roster: its last beat says since when.
      for (const r of await listRegisteredNodes(db)) {
        const silent = !isNodeReachable(r, now, options.nodeMissedBeats);
        const known = figures.get(r.nodeId);
        if (silent)
          figures.set(r.nodeId, {
            node: r.nodeId,
            address: r.adminAddress,
            unreachableMs: now - r.lastBeatAt,
          });
        else if (known === undefined)
          figures.set(r.nodeId, { node: r.nodeId, address: r.adminAddress, unreachableMs: 0 });
      }
      return [...figures.values()];
    },
    async credentials() {
      return (await listCredentials(db))
        .filter((c) => c.revokedAt === null && c.expiresAt !== null)
        .map((c) => ({ clientId: c.clientId, expiresAt: c.expiresAt! }));
    },
  };
}
