import type { IngestNodeConfig } from '../../env';
import { withTimeout } from '../nodes/admin-call';
import { connectAdmin } from '../nodes/admin-client';
import { reachableRegisteredNodes } from '../nodes/registered-nodes';
import type { WebServices } from '../services';

/** The node that holds a stream: its id and admin address. */
export interface StreamNode {
  readonly nodeId: string;
  /** Its admin API's address; null when it is only known by the id it registered with. */
  readonly adminAddress: string | null;
}

/** How long one node may take to list its streams. */
const ASK_TIMEOUT_MS = 3000;

/** The node `node` if its admin API lists stream `streamId` of `table`; undefined otherwise or on any error. */
async function askNode(
  node: IngestNodeConfig,
  table: string,
  streamId: string,
): Promise<StreamNode | undefined> {
  try {
    const client = await connectAdmin(node);
    try {
      const listed = await withTimeout(client.listStreams(table), ASK_TIMEOUT_MS, `node ${node.address}`);
      if (!listed.streams.some((s) => s.stream_id === streamId)) return undefined;
      const status = await withTimeout(client.getStatus(), ASK_TIMEOUT_MS, `node ${node.address}`);
      return { nodeId: status.node_id, adminAddress: node.address };
    } finally {
      client.close();
    }
  } catch {
    return undefined;
  }
}

/**
 * Which of the nodes the console knows (the static list and the registered nodes still beating) holds the
 * live stream `streamId` of `table`, asked through their admin API in parallel; null when none lists it (a
 * node the console does not know, or one that did not answer within 3 s).
 */
export async function findStreamNode(
  services: WebServices,
  table: string,
  streamId: string,
): Promise<StreamNode | null> {
  const { env } = services;
  const registered = env.nodeSecretFile === undefined ? [] : await reachableRegisteredNodes(services.db, env);
  const static_ = new Set(env.ingestNodes.map((n) => n.address));
  const nodes = [...env.ingestNodes, ...registered.filter((n) => !static_.has(n.address))];
  const found = await Promise.all(nodes.map((n) => askNode(n, table, streamId)));
  return found.find((n) => n !== undefined) ?? null;
}
