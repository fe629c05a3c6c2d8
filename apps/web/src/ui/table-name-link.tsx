import Link from 'next/link';
import { tableHref } from './links';

/**
 * A table's full name in monospace, linking to its page (`/tables/<name>`); `className` adds to its look. No
 * name yet (a stream that has not said its table) is a dash, not an empty link.
 */
export function TableNameLink({ name, className = '' }: { name: string; className?: string }) {
  if (name === '') return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  return (
    <Link
      href={tableHref(name)}
      className={`font-mono text-sky-700 hover:underline dark:text-sky-400 ${className}`}
    >
      {name}
    </Link>
  );
}
