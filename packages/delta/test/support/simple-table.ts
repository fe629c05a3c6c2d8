import { Float64, Int64, Table, Utf8, type Vector, vectorFromArray } from 'apache-arrow';
import type { DeltaSchema } from '../../src/index.js';

/** `(id long NOT NULL, name string)`. */
export const simpleSchema: DeltaSchema = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'name', type: 'string', nullable: true, metadata: {} },
  ],
};

/** Rows `from..from+n-1` with names `name-<id>`; with `extra`, a double column `extra = id / 2`. */
export function simpleRows(from: number, n: number, extra = false): Table {
  const ids = Array.from({ length: n }, (_, i) => BigInt(from + i));
  const columns: Record<string, Vector> = {
    id: vectorFromArray(ids, new Int64()),
    name: vectorFromArray(
      ids.map((i) => `name-${i}`),
      new Utf8(),
    ),
  };
  if (extra) {
    columns.extra = vectorFromArray(
      ids.map((i) => Number(i) / 2),
      new Float64(),
    );
  }
  return new Table(columns);
}

/** The `id` column of a scan as sorted numbers. */
export function idsOf(table: Table): number[] {
  return [...(table.getChild('id')!.toArray() as BigInt64Array)].map(Number).sort((a, b) => a - b);
}
