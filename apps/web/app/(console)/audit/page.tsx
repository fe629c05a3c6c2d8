import type { Metadata } from 'next';
import { AuditView } from './audit-view';

export const metadata: Metadata = { title: 'Audit log' };

/** `/audit`: who changed what, from where (admins). */
export default function AuditPage() {
  return <AuditView />;
}
