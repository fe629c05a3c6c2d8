import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Loading } from '../../../src/ui/feedback';
import { GrantsView } from './grants-view';

export const metadata: Metadata = { title: 'Grants' };

/**
 * `/grants`: grant, revoke, and effective permissions. `?type=table&name=main.sales.orders` starts the form
 * and the list on that securable (the table page links here). The view reads the query string, hence Suspense.
 */
export default function GrantsPage() {
  return (
    <Suspense fallback={<Loading />}>
      <GrantsView />
    </Suspense>
  );
}
