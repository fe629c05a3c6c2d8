import type { Metadata } from 'next';
import { CreateTableForm } from './create-table-form';

export const metadata: Metadata = { title: 'Create table' };

/** `/tables/new`: the column editor with a live preview of the .proto and the Delta schema. */
export default function CreateTablePage() {
  return <CreateTableForm />;
}
