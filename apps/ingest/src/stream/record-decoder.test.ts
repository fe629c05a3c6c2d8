import { describe, expect, it } from 'vitest';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { isIngestError } from '../errors.js';
import { createRecordDecoder } from './record-decoder.js';

const table: ProvisionedTable = {
  name: 'main.sales.prices',
  location: 'tables/main/sales/prices',
  schema: {
    type: 'struct',
    fields: [
      { name: 'id', type: 'long', nullable: false, metadata: {} },
      { name: 'amount', type: 'decimal(10,2)', nullable: true, metadata: {} },
    ],
  },
  properties: {},
};

describe('createRecordDecoder', () => {
  it('refuses a JSON stream to a table with a column JSON records cannot fill, in words', () => {
    let thrown: unknown;
    try {
      createRecordDecoder(table, 'json', undefined, { maxRecordBytes: 1024 });
    } catch (err) {
      thrown = err;
    }
    expect(isIngestError(thrown, 'INVALID_ARGUMENT')).toBe(true);
    expect((thrown as Error).message).toMatch(
      /^table main\.sales\.prices: JSON records cannot fill column 'amount': .+; use record_type PROTO$/,
    );
  });

  it('decodes JSON records into the table columns', () => {
    const decoder = createRecordDecoder(
      { ...table, schema: { type: 'struct', fields: [table.schema.fields[0]!] } },
      'json',
      undefined,
      { maxRecordBytes: 1024 },
    );
    const batch = decoder.decode([new TextEncoder().encode('{"id": 7}')], 0n);
    expect(batch.numRows).toBe(1);
    expect(batch.getChild('id')!.get(0)).toBe(7n);
  });
});
