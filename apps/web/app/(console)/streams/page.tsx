import type { Metadata } from 'next';
import { StreamsView } from './streams-view';

export const metadata: Metadata = { title: 'Streams' };

/** `/streams`: live throughput, latency and lag of every stream, updated every second. */
export default function StreamsPage() {
  return <StreamsView />;
}
