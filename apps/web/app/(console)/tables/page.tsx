import type { Metadata } from 'next';
import { CatalogsPanel } from './catalogs-panel';
import { TablesList } from './tables-list';

export const metadata: Metadata = { title: 'Tables' };

/** `/tables`: every table, searchable, by catalog and schema; the catalogs and schemas under them. */
export default function TablesPage() {
  return (
    <>
      <TablesList />
      <CatalogsPanel />
    </>
  );
}
