import Link from 'next/link';
import { tableHref } from './links';

/** A table's full name in monospace, linking to its page (`/tables/<name>`); `className` adds to its look. */
export function TableNameLink({ name, className = '' }: { name: string; className?: string }) {
  return (
    <Link
      href={tableHref(name)}
      className={`font-mono text-sky-700 hover:underline dark:text-sky-400 ${className}`}
    >
      {name}
    </Link>
  );
}
