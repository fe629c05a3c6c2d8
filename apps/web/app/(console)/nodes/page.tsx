import type { Metadata } from 'next';
import { NodesView } from './nodes-view';

export const metadata: Metadata = { title: 'Nodes' };

/** `/nodes`: the registered ingest nodes, their catalog version and health. */
export default function NodesPage() {
  return <NodesView />;
}
