import type { Metadata } from 'next';
import { TablesList } from './tables-list';

export const metadata: Metadata = { title: 'Tables' };

/** `/tables`: every table, searchable, by catalog and schema. */
export default function TablesPage() {
  return <TablesList />;
}
