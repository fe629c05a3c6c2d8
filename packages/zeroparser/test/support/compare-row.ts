import type { RecordBatch } from 'apache-arrow';
import type { Expected } from './expected.js';

/** One difference between the expected row and the batch. */
export interface Mismatch {
  record: number;
  path: string;
  expected: string;
  actual: string;
}

// Arrow's StructRow and MapRow are proxies whose `has` trap hides methods from `in`: probe them by type.
const hasMethod = (v: unknown, key: PropertyKey): boolean =>
  v !== null && typeof v === 'object' && typeof (v as Record<PropertyKey, unknown>)[key] === 'function';

const show = (v: unknown): string => {
  if (typeof v === 'bigint') return `${v}n`;
  if (v instanceof Uint8Array) return `bytes[${Buffer.from(v).toString('hex')}]`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (v !== null && typeof v === 'object' && 'toJSON' in v)
    return show((v as { toJSON(): unknown }).toJSON());
  try {
    return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v);
  } catch {
    return String(v);
  }
};

/** Compares one value (recursively) and pushes every difference with its field path. */
function compare(expected: Expected, actual: unknown, path: string, record: number, out: Mismatch[]): void {
  const fail = () => out.push({ record, path, expected: show(expected), actual: show(actual) });
  if (expected === null) {
    if (actual !== null && actual !== undefined) fail();
  } else if (typeof expected === 'number') {
    if (
      typeof actual !== 'number' ||
      !(Object.is(expected, actual) || (Number.isNaN(expected) && Number.isNaN(actual)))
    )
      fail();
  } else if (expected instanceof Uint8Array) {
    if (!(actual instanceof Uint8Array) || Buffer.compare(Buffer.from(expected), Buffer.from(actual)) !== 0)
      fail();
  } else if (Array.isArray(expected)) {
    if (!hasMethod(actual, Symbol.iterator)) return void fail();
    const items = Array.from(actual as Iterable<unknown>);
    if (items.length !== expected.length) return void fail();
    expected.forEach((e, i) => {
      compare(e, items[i], `${path}[${i}]`, record, out);
    });
  } else if (typeof expected === 'object' && 'struct' in expected) {
    if (!hasMethod(actual, 'toJSON')) return void fail();
    const fields = (actual as { toJSON(): Record<string, unknown> }).toJSON();
    for (const [name, e] of Object.entries(expected.struct))
      compare(e, fields[name], `${path}.${name}`, record, out);
  } else if (typeof expected === 'object' && 'map' in expected) {
    if (!hasMethod(actual, Symbol.iterator)) return void fail();
    const entries = Array.from(actual as Iterable<[unknown, unknown]>);
    if (entries.length !== expected.map.length) return void fail();
    expected.map.forEach(([k, v], i) => {
      compare(k, entries[i]?.[0], `${path}{${i}}.key`, record, out);
      compare(v, entries[i]?.[1], `${path}{${i}}.value`, record, out);
    });
  } else if (actual !== expected) {
    fail();
  }
}

/** Differences between the expected rows and `batch` (row `i` of the batch is record `firstRecord + i`). */
export function compareBatch(
  expectedRows: readonly Record<string, Expected>[],
  batch: RecordBatch,
  firstRecord = 0,
): Mismatch[] {
  const out: Mismatch[] = [];
  if (batch.numRows !== expectedRows.length) {
    out.push({
      record: firstRecord,
      path: '(numRows)',
      expected: String(expectedRows.length),
      actual: String(batch.numRows),
    });
    return out;
  }
  expectedRows.forEach((row, i) => {
    for (const [name, e] of Object.entries(row)) {
      const column = batch.getChild(name);
      if (column === null)
        out.push({ record: firstRecord + i, path: name, expected: 'a column', actual: 'none' });
      else compare(e, column.get(i), name, firstRecord + i, out);
    }
  });
  return out;
}
