import type { NodeHealth } from '../node-health.js';
import { describe, type NodeLoad } from './node-load.js';

/** What decides whether a node takes new streams. */
export interface ReadinessSources {
  readonly live: { readonly isDraining: boolean };
  readonly load: NodeLoad | undefined;
  readonly health: () => Pick<NodeHealth, 'state' | 'reasons'>;
}

/**
 * Why the node refuses new streams now (empty: it takes them): draining, a load threshold reached, a failed
 * WAL. `/readyz` answers 503 with these, so a balancer's health check stops sending the node new streams
 * (a refusing node has the fewest streams: without this, `leastconn` would keep picking it).
 */
export function notReadyReasons(sources: ReadinessSources): string[] {
  const reasons: string[] = [];
  if (sources.live.isDraining) reasons.push('draining');
  for (const s of sources.load?.busy() ?? []) reasons.push(`busy: ${describe(s)}`);
  const health = sources.health();
  if (health.state === 'failed') reasons.push(`failed: ${health.reasons.join('; ')}`);
  return reasons;
}
