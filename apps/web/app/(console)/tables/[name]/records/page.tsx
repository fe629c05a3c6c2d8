import type { Metadata } from 'next';
import { RecordsView } from './records-view';

type Params = Promise<{ name: string }>;

/** The table's name and what the page does, as the title. */
export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  return { title: `Records of ${decodeURIComponent((await params).name)}` };
}

/** `/tables/[name]/records`: the record browser — a version or a time, filters, pages, a row as JSON, export. */
export default async function RecordsPage({ params }: { params: Params }) {
  return <RecordsView name={decodeURIComponent((await params).name)} />;
}
