import type { Metadata } from 'next';
import { TableDetail } from './table-detail';

type Params = Promise<{ name: string }>;

/** The table's name as the title. */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: decodeURIComponent((await params).name) };
}

/** `/tables/[name]`: one table — schema, .proto, descriptor, SDK snippets, rows, streams, history, grants. */
export default async function TablePage({ params }: { params: Params }) {
  return <TableDetail name={decodeURIComponent((await params).name)} />;
}
