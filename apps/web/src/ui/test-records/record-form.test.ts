import type { DeltaStructType } from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import { formFieldsOf, recordFromForm } from './record-form';

const schema: DeltaStructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'item', type: 'string', nullable: true, metadata: {} },
    { name: 'price', type: 'double', nullable: true, metadata: {} },
    { name: 'paid', type: 'boolean', nullable: true, metadata: {} },
    { name: 'at', type: 'timestamp', nullable: true, metadata: {} },
    {
      name: 'address',
      type: { type: 'struct', fields: [{ name: 'city', type: 'string', nullable: true, metadata: {} }] },
      nullable: true,
      metadata: {},
    },
  ],
};

describe('the test-record form', () => {
  it('has one typed field per column, nested ones as JSON', () => {
    expect(formFieldsOf(schema).map((f) => [f.name, f.input, f.typeLabel])).toEqual([
      ['id', 'integer', 'long'],
      ['item', 'text', 'string'],
      ['price', 'number', 'double'],
      ['paid', 'boolean', 'boolean'],
      ['at', 'text', 'timestamp'],
      ['address', 'json', 'struct<1 field>'],
    ]);
    expect(formFieldsOf(schema)[5]?.hint).toBe('JSON, e.g. {"city": …}');
  });

  it('builds the JSON record a producer would send, leaving empty fields out', () => {
    const fields = formFieldsOf(schema);
    expect(
      recordFromForm(fields, {
        id: '9007199254740993',
        item: 'tea',
        price: '2.5',
        paid: 'true',
        at: '',
        address: '{"city":"Oslo"}',
      }),
    ).toEqual({
      json: '{"id":"9007199254740993","item":"tea","price":2.5,"paid":true,"address":{"city":"Oslo"}}',
    });
    expect(recordFromForm(fields, { id: '42' })).toEqual({ json: '{"id":42}' });
  });

  it('sends a value of the wrong type as typed, for the node to refuse; refuses only JSON that does not parse', () => {
    const fields = formFieldsOf(schema);
    expect(recordFromForm(fields, { id: 'forty-two' })).toEqual({ json: '{"id":"forty-two"}' });
    expect(recordFromForm(fields, { address: '{city' })).toMatchObject({
      problem: expect.stringMatching(/^'address' is not JSON: /),
    });
  });
});
