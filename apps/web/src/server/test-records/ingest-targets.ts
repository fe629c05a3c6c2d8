import { reachableRegisteredNodes } from '../nodes/registered-nodes';
import type { WebServices } from '../services';

/** Where a test record may be sent: the endpoint producers are given, or one registered node. */
export interface IngestTarget {
  /** `endpoint` (the producers' endpoint), or `node:<node id>`. */
  readonly id: string;
  /** What the console shows: the endpoint as configured or advertised. */
  readonly endpoint: string;
  /** The gRPC target grpc-js dials (`host:port`). */
  readonly address: string;
  /** TLS for an `https://` endpoint; plaintext HTTP/2 otherwise (the SDKs' rule). */
  readonly tls: boolean;
  /** The node's id when the target is one node; undefined for the producers' endpoint (maybe a balancer). */
  readonly nodeId?: string | undefined;
}

/** `http://h:p`, `https://h:p` or `h:p` → grpc-js's `h:p` and whether to use TLS. */
function toGrpcAddress(endpoint: string): { address: string; tls: boolean } {
  const match = /^(https?):\/\/([^/]+)\/?$/i.exec(endpoint.trim());
  if (match === null) return { address: endpoint.trim(), tls: false };
  return { address: match[2]!, tls: match[1]!.toLowerCase() === 'https' };
}

/**
 * The targets a test record may go to, and only these are ever dialled (a client never names an address):
 * `LAKESTREAM_INGEST_ENDPOINT` first — what producers use, so the default — then every registered node still
 * beating, at the endpoint it advertises.
 */
export async function listIngestTargets(services: WebServices): Promise<IngestTarget[]> {
  const { env } = services;
  const targets: IngestTarget[] = [
    { id: 'endpoint', endpoint: env.ingestEndpoint, ...toGrpcAddress(env.ingestEndpoint) },
  ];
  if (env.nodeSecretFile === undefined) return targets;
  for (const node of await reachableRegisteredNodes(services.db, env)) {
    if (node.endpoint === undefined || node.nodeId === undefined) continue;
    targets.push({
      id: `node:${node.nodeId}`,
      endpoint: node.endpoint,
      nodeId: node.nodeId,
      ...toGrpcAddress(node.endpoint),
    });
  }
  return targets;
}
