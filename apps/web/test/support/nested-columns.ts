/**
 * The nested columns of an orders table, as `tables.create` takes them: a struct inside a struct, an array of
 * structs, an array of strings, a map of scalars and a map whose values are structs. The proto and descriptor
 * tests build their schemas from these so that both describe the same nesting.
 */
export const NESTED_ORDER_COLUMNS = [
  {
    name: 'customer',
    type: {
      type: 'struct',
      fields: [
        { name: 'name', type: 'string', nullable: false },
        { name: 'address', type: { type: 'struct', fields: [{ name: 'zip', type: 'string' }] } },
      ],
    },
  },
  {
    name: 'lines',
    type: {
      type: 'array',
      elementType: {
        type: 'struct',
        fields: [
          { name: 'sku', type: 'string' },
          { name: 'qty', type: 'integer' },
        ],
      },
    },
  },
  { name: 'tags', type: { type: 'array', elementType: 'string' } },
  { name: 'attrs', type: { type: 'map', keyType: 'string', valueType: 'long' } },
  {
    name: 'by_day',
    type: {
      type: 'map',
      keyType: 'integer',
      valueType: { type: 'struct', fields: [{ name: 'total', type: 'double' }] },
    },
  },
] as const;
