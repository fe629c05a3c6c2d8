import { loadSchema } from '@lakestream/testkit';
import type { RecordBatch } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { isIngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
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

  it('refuses a PROTO descriptor with no field for a NOT NULL column, nested ones too, naming it', () => {
    const withAddress = {
      ...table,
      schema: {
        type: 'struct',
        fields: [
          table.schema.fields[0]!,
          {
            name: 'address',
            type: {
              type: 'struct',
              fields: [
                { name: 'city', type: 'string', nullable: false, metadata: {} },
                { name: 'zip', type: 'string', nullable: true, metadata: {} },
              ],
            },
            nullable: true,
            metadata: {},
          },
        ],
      },
    } as ProvisionedTable;
    const refusal = (proto: string): string => {
      const { descriptorProto } = loadSchema(`syntax = "proto2"; package t; ${proto}`, 't.P');
      try {
        createRecordDecoder(withAddress, 'proto', descriptorProto, { maxRecordBytes: 1024 });
      } catch (err) {
        if (isIngestError(err, 'INVALID_ARGUMENT')) return err.message;
        throw err;
      }
      throw new Error('the descriptor was accepted');
    };
    const why =
      'every record would be refused: give the message a field for each NOT NULL column (field number = column position + 1)';
    expect(refusal('message P { message A { optional string city = 1; } optional P.A address = 2; }')).toBe(
      `table main.sales.prices: the descriptor does not fit the table: column id is missing and the table says it is NOT NULL; ${why}`,
    );
    expect(
      refusal(
        'message P { message A { optional string zip = 2; } optional int64 id = 1; optional P.A address = 2; }',
      ),
    ).toBe(
      `table main.sales.prices: the descriptor does not fit the table: column address.city is missing and the table says it is NOT NULL; ${why}`,
    );
    // Nullable columns may be left out.
    const ok = loadSchema('syntax = "proto2"; package t; message P { optional int64 id = 1; }', 't.P');
    expect(
      createRecordDecoder(withAddress, 'proto', ok.descriptorProto, { maxRecordBytes: 1024 }).format,
    ).toBe('proto');
  });

  it('decodes JSON records into the table columns', () => {
    const decoder = createRecordDecoder(
      { ...table, schema: { type: 'struct', fields: [table.schema.fields[0]!] } },
      'json',
      undefined,
      { maxRecordBytes: 1024 },
    );
    const { batch } = decoder.decode([new TextEncoder().encode('{"id": 7}')], 0n);
    expect(batch.numRows).toBe(1);
    expect(batch.getChild('id')!.get(0)).toBe(7n);
  });

  it('decodes JSON records from their bytes, and reports bad ones as before: UTF-8 of the whole request first', () => {
    const named = {
      ...table,
      schema: {
        type: 'struct',
        fields: [table.schema.fields[0]!, { name: 'name', type: 'string', nullable: true, metadata: {} }],
      },
    } as ProvisionedTable;
    const decoder = createRecordDecoder(named, 'json', undefined, { maxRecordBytes: 1024 });
    const records = ['{"id": 1, "name": "caf\u00e9 \ud83d\ude00"}', '{"name": "日本", "id": 2}'];
    // The records of a request are views into one buffer.
    const request = Buffer.from(records.join(''));
    const first = Buffer.byteLength(records[0]!);
    const { batch } = decoder.decode([request.subarray(0, first), request.subarray(first)], 0n);
    expect([...batch.getChild('id')!]).toEqual([1n, 2n]);
    expect([...batch.getChild('name')!]).toEqual(['café 😀', '日本']);

    const refusal = (bytes: Uint8Array[]): string => {
      try {
        decoder.decode(bytes, 5n);
      } catch (err) {
        if (isIngestError(err, 'INVALID_ARGUMENT')) return err.message;
        throw err;
      }
      throw new Error('the records were accepted');
    };
    const notJson = Buffer.from('{"id": 1,');
    const notUtf8 = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    expect(refusal([notJson, notUtf8])).toBe(
      'table main.sales.prices, offset 5, record 1: the JSON record is not valid UTF-8',
    );
    expect(refusal([Buffer.from('{"id": 3}'), notJson])).toMatch(
      /^table main\.sales\.prices, offset 5, record 1 at byte 9: not valid JSON: .+ \(INVALID_JSON\)$/,
    );
    expect(refusal([Buffer.from('{"id": 3, "name": 4}')])).toMatch(
      /^table main\.sales\.prices, offset 5, record 0, field name: expected a string, found the number 4 \(TYPE_MISMATCH\)$/,
    );
  });

  it('decodes PROTO records into reused memory: a released batch, also one refused by the table, is reused', () => {
    const proto = loadSchema('syntax = "proto2"; package t; message P { optional int64 id = 1; }', 't.P');
    const ids = {
      ...table,
      schema: { type: 'struct', fields: [table.schema.fields[0]!] },
    } as ProvisionedTable;
    const decoder = createRecordDecoder(ids, 'proto', proto.descriptorProto, { maxRecordBytes: 1024 });
    const records = (from: number) => [from, from + 1].map((id) => proto.type.encode({ id }).finish());
    const memoryOf = (batch: RecordBatch) => batch.getChild('id')!.data[0]!.values.buffer;

    const first = decoder.decode(records(1), 0n);
    expect([...first.batch.getChild('id')!]).toEqual([1n, 2n]);
    const memory = memoryOf(first.batch);
    expect(memory).toBeInstanceOf(SharedArrayBuffer); // postable to the Parquet encoders without a copy
    first.release();
    // A record without the NOT NULL id is refused after decoding; its lease goes back all the same.
    expect(() => decoder.decode([proto.type.encode({}).finish()], 1n)).toThrow(/offset 1/);
    const second = decoder.decode(records(3), 2n);
    expect(memoryOf(second.batch)).toBe(memory);
    expect([...second.batch.getChild('id')!]).toEqual([3n, 4n]);
    second.release();
  });
});
