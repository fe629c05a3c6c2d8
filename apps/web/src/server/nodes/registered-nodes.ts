import type { CatalogDb, RegisteredNode } from '@lakestream/catalog';
import type { WebEnv } from '../../env';
import { getRegisteredNode, isNodeReachable, listRegisteredNodes, pruneRegisteredNodes } from '../catalog';
import { describeAdminError, withTimeout } from './admin-call';
import { connectAdmin } from './admin-client';
import type { DiscoveredNode } from './known-nodes';

/** What reading and draining nodes needs of the console's services (the catalog and the environment). */
interface NodeServices {
  readonly env: WebEnv;
  readonly db: CatalogDb;
}

/** A registered node as the Nodes page shows it: its last beat, and whether beats still arrive. */
export interface RegisteredNodeView extends RegisteredNode {
  /** False once `LAKESTREAM_NODE_MISSED_BEATS` of its beat intervals passed without a beat. */
  readonly reachable: boolean;
}

/**
 * The nodes registered by heartbeat, after dropping those silent for `LAKESTREAM_NODE_DROP_AFTER_MS` (with
 * their load samples), each marked reachable or not at `now`.
 */
export async function registeredNodes(
  services: NodeServices,
  now = Date.now(),
): Promise<RegisteredNodeView[]> {
  const { env, db } = services;
  await pruneRegisteredNodes(db, now - env.nodeDropAfterMs);
  const nodes = await listRegisteredNodes(db);
  return nodes.map((n) => ({ ...n, reachable: isNodeReachable(n, now, env.nodeMissedBeats) }));
}

/**
 * The registered nodes still beating, as the console dials them (provisioner and stream sampler, through
 * `createNodeRoster`): their admin address with the nodes' shared secret file, their id and advertised gRPC
 * endpoint. A node silent for `nodeMissedBeats` of its beat intervals is left out: it has left.
 */
export async function reachableRegisteredNodes(
  db: CatalogDb,
  env: Pick<WebEnv, 'nodeSecretFile' | 'nodeMissedBeats'>,
  now = Date.now(),
): Promise<DiscoveredNode[]> {
  return (await listRegisteredNodes(db))
    .filter((n) => isNodeReachable(n, now, env.nodeMissedBeats))
    .map((n) => ({
      address: n.adminAddress,
      secretFile: env.nodeSecretFile,
      nodeId: n.nodeId,
      endpoint: n.endpoint,
    }));
}

/** A drain the console could not do, with why in words; `code` maps to a tRPC error. */
export class DrainError extends Error {
  override readonly name = 'DrainError';
  constructor(
    readonly code: 'NOT_FOUND' | 'UNAVAILABLE',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Drains the node whose admin API is at `adminAddress` — a node of `LAKESTREAM_INGEST_NODES`, or a registered
 * node (by its admin address or node id) called with the nodes' shared secret — through admin `Drain`: every
 * stream gets `close_stream_signal` with `graceMs` (0: the node's default), the node refuses new streams and
 * reports `drained` once it holds nothing more. Only known nodes are dialled. Resolves with the streams signalled.
 */
export async function drainNode(
  services: NodeServices,
  target: string,
  graceMs: number,
  timeoutMs = 10_000,
): Promise<{ address: string; streamsSignalled: number }> {
  const { env, db } = services;
  const fixed = env.ingestNodes.find((n) => n.address === target);
  const registered =
    fixed === undefined
      ? ((await getRegisteredNode(db, target)) ??
        (await listRegisteredNodes(db)).find((n) => n.adminAddress === target))
      : undefined;
  const node =
    fixed ??
    (registered === undefined
      ? undefined
      : { address: registered.adminAddress, secretFile: env.nodeSecretFile });
  if (node === undefined) {
    throw new DrainError('NOT_FOUND', `no ingest node '${target}' is configured or registered`);
  }
  let admin: Awaited<ReturnType<typeof connectAdmin>> | undefined;
  try {
    admin = await connectAdmin(node);
    const result = await withTimeout(admin.drain(graceMs), timeoutMs, `Drain of ${node.address}`);
    return { address: node.address, streamsSignalled: result.streams_signalled };
  } catch (error) {
    throw new DrainError(
      'UNAVAILABLE',
      `could not drain ${node.address}: ${describeAdminError(error, node.address)}`,
    );
  } finally {
    admin?.close();
  }
}
