import type { SecurableType } from '@lakestream/catalog/contract';

/** A securable in a table cell: its type, quiet, then its full name in monospace (`table main.sales.orders`). */
export function SecurableLabel({ type, name }: { type: SecurableType; name: string }) {
  return (
    <>
      <span className="mr-1.5 text-xs text-zinc-500">{type}</span>
      <span className="font-mono">{name}</span>
    </>
  );
}
