import { type DataType, type Table, Type, type Vector } from 'apache-arrow';

/** One cell as a canonical string-able value, by Arrow type, so tables from different writers compare. */
function canonicalValue(type: DataType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Int:
    case Type.Float:
      return typeof value === 'bigint' ? `${value}` : Number(value);
    case Type.Decimal: {
      // Compare decimals by value (unscaled integer and scale), whatever the precision.
      return `${value}e-${(type as unknown as { scale: number }).scale}`;
    }
    case Type.Binary:
      return Buffer.from(value as Uint8Array).toString('hex');
    case Type.Timestamp:
    case Type.Date:
      return Number(value);
    case Type.Struct: {
      const row = value as { [k: string]: unknown };
      const out: Record<string, unknown> = {};
      for (const f of type.children) out[f.name] = canonicalValue(f.type, row[f.name]);
      return out;
    }
    case Type.List: {
      const child = type.children[0]!.type;
      return [...(value as Vector)].map((v) => canonicalValue(child, v));
    }
    case Type.Map: {
      const [k, v] = type.children[0]!.type.children;
      const entries = [...(value as Map<unknown, unknown>)].map(([key, val]) => [
        canonicalValue(k.type, key),
        canonicalValue(v.type, val),
      ]);
      return entries.sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    }
    default:
      return value;
  }
}

/** The rows of a table as sorted canonical JSON strings: a multiset to compare with `toEqual`. */
export function canonicalRows(table: Table, columns?: readonly string[]): string[] {
  const names = columns ?? table.schema.fields.map((f) => f.name);
  const rows: string[] = [];
  const cols = names.map((n) => {
    const field = table.schema.fields.find((f) => f.name === n);
    if (field === undefined) throw new Error(`no column ${n}`);
    return { name: n, type: field.type, vector: table.getChild(n)! };
  });
  for (let i = 0; i < table.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const c of cols) row[c.name] = canonicalValue(c.type, c.vector.get(i));
    rows.push(JSON.stringify(row));
  }
  return rows.sort();
}
