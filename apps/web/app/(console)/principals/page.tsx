import type { Metadata } from 'next';
import { PrincipalsView } from './principals-view';

export const metadata: Metadata = { title: 'Principals & credentials' };

/** `/principals`: console users, service principals and their OAuth credentials. */
export default function PrincipalsPage() {
  return <PrincipalsView />;
}
