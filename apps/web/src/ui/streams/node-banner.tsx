import type { LiveView } from '../api-types';
import { Banner } from '../feedback';

/** A warning naming every ingest node the last sampling could not reach, with its error. */
export function UnreachableNodesBanner({ nodes }: { nodes: LiveView['nodes'] }) {
  const down = nodes.filter((n) => !n.reachable);
  if (down.length === 0) return null;
  return (
    <Banner>
      <strong>
        {down.length === 1 ? '1 ingest node is' : `${down.length} ingest nodes are`} unreachable
      </strong>
      ; their streams are missing from these figures.
      <ul className="mt-1 list-inside list-disc text-xs">
        {down.map((n) => (
          <li key={n.address}>
            <span className="font-mono">{n.nodeId === null ? n.address : `${n.nodeId} (${n.address})`}</span>
            {n.error === null ? '' : `: ${n.error}`}
          </li>
        ))}
      </ul>
    </Banner>
  );
}
