import type { ColumnDefinition, DeltaType } from './delta-types.js';

/** How the columns of two schema versions differ (top-level columns, matched by name ignoring case). */
export interface ColumnDiff {
  /** Columns of `to` that `from` does not have, in `to`'s order. */
  readonly added: ColumnDefinition[];
  /** Columns of `from` that `to` does not have (never produced by the catalog: columns are only added). */
  readonly removed: ColumnDefinition[];
  /** Columns in both whose type or nullability differ (never produced by the catalog either). */
  readonly changed: {
    readonly name: string;
    readonly from: ColumnDefinition;
    readonly to: ColumnDefinition;
  }[];
}

const sameType = (a: DeltaType, b: DeltaType): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The difference between two lists of columns (`from` the older version, `to` the newer; either order
 * works). Pure, so the console's browser code diffs any two versions it holds without asking again.
 */
export function diffColumns(from: readonly ColumnDefinition[], to: readonly ColumnDefinition[]): ColumnDiff {
  const key = (c: ColumnDefinition): string => c.name.toLowerCase();
  const before = new Map(from.map((c) => [key(c), c]));
  const after = new Map(to.map((c) => [key(c), c]));
  const changed: ColumnDiff['changed'][number][] = [];
  for (const c of to) {
    const old = before.get(key(c));
    if (old !== undefined && (!sameType(old.type, c.type) || old.nullable !== c.nullable))
      changed.push({ name: c.name, from: old, to: c });
  }
  return {
    added: to.filter((c) => !before.has(key(c))),
    removed: from.filter((c) => !after.has(key(c))),
    changed,
  };
}
