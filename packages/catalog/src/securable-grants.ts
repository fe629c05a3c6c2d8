import { and, eq, inArray } from 'drizzle-orm';
import type { CatalogTx } from './db/catalog-db.js';
import type { SecurableType } from './grant-resolution.js';

/**
 * Deletes every grant on the securables `ids` of type `type`, inside the caller's transaction (a dropped
 * catalog, schema or table takes its grants with it: they are a polymorphic reference without a foreign key,
 * see schema.ts). Returns how many went.
 */
export async function removeGrantsOn(
  tx: CatalogTx,
  type: SecurableType,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const { Grants } = tx.tables;
  const removed = await tx.orm
    .delete(Grants)
    .where(and(eq(Grants.securableType, type), inArray(Grants.securableId, [...ids])))
    .returning({ id: Grants.id });
  return removed.length;
}
