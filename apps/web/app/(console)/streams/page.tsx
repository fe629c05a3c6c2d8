import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../../src/ui/feedback';
import { StreamsView } from './streams-view';

export const metadata: Metadata = { title: 'Streams' };

/**
 * `/streams`: live throughput, latency and lag of every stream, updated every second, and every table and node
 * as series up to 24 hours back. The view keeps its window and chart in the query string, hence Suspense.
 */
export default function StreamsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <StreamsView />
    </Suspense>
  );
}
