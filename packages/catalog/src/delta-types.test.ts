import { describe, expect, test } from 'vitest';
import { isCatalogError } from './catalog-error.js';
import { type DeltaType, parseColumns, parseDeltaType, toDeltaSchema } from './delta-types.js';

function invalidType(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isCatalogError(error, 'INVALID_TYPE')) return error.message;
    throw error;
  }
  throw new Error('expected INVALID_TYPE');
}

describe('primitive types', () => {
  test.each([
    ['boolean', 'boolean'],
    ['byte', 'byte'],
    ['short', 'short'],
    ['integer', 'integer'],
    ['long', 'long'],
    ['float', 'float'],
    ['double', 'double'],
    ['string', 'string'],
    ['binary', 'binary'],
    ['date', 'date'],
    ['timestamp', 'timestamp'],
    ['LONG', 'long'],
    ['decimal(10,2)', 'decimal(10,2)'],
    ['decimal( 38 , 0 )', 'decimal(38,0)'],
    ['decimal(1,1)', 'decimal(1,1)'],
  ])('%s is %s', (input, normalised) => {
    expect(parseDeltaType(input)).toBe(normalised);
  });

  test.each([
    ['strin', "unknown type 'strin'; expected one of boolean"],
    ['bigint', "unknown type 'bigint' (did you mean 'long'?)"],
    ['int', "(did you mean 'integer'?)"],
    ['decimal(39,2)', 'precision must be between 1 and 38'],
    ['decimal(0,0)', 'precision must be between 1 and 38'],
    ['decimal(5,6)', 'the scale cannot exceed the precision'],
    ['decimal(5)', "unknown type 'decimal(5)'"],
    ['timestamp_ntz', 'timestampNtz table feature'],
  ])('%j is refused: %s', (input, words) => {
    expect(invalidType(() => parseDeltaType(input))).toContain(words);
  });

  test('a value that is neither a name nor a type object is refused in words', () => {
    expect(invalidType(() => parseDeltaType(42))).toContain('expected a Delta type');
    expect(invalidType(() => parseDeltaType({ type: 'set', elementType: 'long' }))).toContain(
      '"struct", "array" or "map"',
    );
  });
});

describe('nested types', () => {
  const nested = {
    type: 'struct',
    fields: [
      { name: 'zip', type: 'string', nullable: false, metadata: { comment: 'postal code' } },
      {
        name: 'tags',
        type: { type: 'map', keyType: 'string', valueType: { type: 'array', elementType: 'decimal(12, 4)' } },
      },
    ],
  } as const;

  test('structs, maps and arrays are normalised with defaults filled in', () => {
    expect(parseDeltaType(nested)).toEqual({
      type: 'struct',
      fields: [
        { name: 'zip', type: 'string', nullable: false, metadata: { comment: 'postal code' } },
        {
          name: 'tags',
          type: {
            type: 'map',
            keyType: 'string',
            valueType: { type: 'array', elementType: 'decimal(12,4)', containsNull: true },
            valueContainsNull: true,
          },
          nullable: true,
          metadata: {},
        },
      ],
    });
  });

  test('a normalised type parses to itself', () => {
    const once = parseDeltaType(nested);
    expect(parseDeltaType(JSON.parse(JSON.stringify(once)))).toEqual(once);
  });

  test('errors name the column path down to the bad part', () => {
    const columns = [
      { name: 'id', type: 'long' },
      {
        name: 'address',
        type: { type: 'struct', fields: [{ name: 'zip', type: 'strin' }] },
      },
    ];
    expect(invalidType(() => parseColumns(columns))).toBe(
      "column address.zip: unknown type 'strin'; expected one of boolean, byte, short, integer, long, float, double, string, binary, date, timestamp or decimal(p,s)",
    );
    const deep = [
      {
        name: 'm',
        type: {
          type: 'map',
          keyType: 'string',
          valueType: {
            type: 'array',
            elementType: { type: 'struct', fields: [{ name: 'x', type: 'decimal(40,1)' }] },
          },
        },
      },
    ];
    expect(invalidType(() => parseColumns(deep))).toContain('column m.value.element.x: decimal(40,1)');
    expect(invalidType(() => parseColumns([{ name: 'a', type: { type: 'array' } }]))).toContain('column a');
  });

  test('nested field names follow the column rules and are unique ignoring case', () => {
    const bad = [{ name: 's', type: { type: 'struct', fields: [{ name: 'a b', type: 'long' }] } }];
    expect(invalidType(() => parseColumns(bad))).toContain('column s.a b: column name "a b" contains " "');
    const dup = [
      {
        name: 's',
        type: {
          type: 'struct',
          fields: [
            { name: 'Zip', type: 'long' },
            { name: 'zip', type: 'long' },
          ],
        },
      },
    ];
    expect(invalidType(() => parseColumns(dup))).toContain("duplicate column name 'zip' (same as 'Zip'");
  });

  test('unknown keys are refused rather than dropped', () => {
    expect(
      invalidType(() => parseDeltaType({ type: 'array', elementType: 'long', containsNul: true })),
    ).toContain('containsNul');
  });
});

describe('column lists', () => {
  test('need a column, unique names and valid names', () => {
    expect(invalidType(() => parseColumns([]))).toContain('a table needs at least one column');
    expect(
      invalidType(() =>
        parseColumns([
          { name: 'id', type: 'long' },
          { name: 'ID', type: 'string' },
        ]),
      ),
    ).toContain("duplicate column name 'ID' (same as 'id' ignoring case)");
    expect(invalidType(() => parseColumns([{ name: 'a=b', type: 'long' }]))).toContain('contains "="');
    expect(invalidType(() => parseColumns([{ name: 'a', type: 'long', nullable: 'yes' }]))).toContain(
      'column a',
    );
  });

  test('every problem is listed, each with its column', () => {
    const message = invalidType(() =>
      parseColumns([
        { name: 'a', type: 'lng' },
        { name: 'b', type: 'dbl' },
      ]),
    );
    expect(message).toContain("column a: unknown type 'lng'");
    expect(message).toContain("column b: unknown type 'dbl'");
  });

  test('the Delta schema carries nullability and comments', () => {
    const columns = parseColumns([
      { name: 'id', type: 'long', nullable: false, comment: 'the key' },
      { name: 'at', type: 'timestamp' },
    ]);
    expect(toDeltaSchema(columns)).toEqual({
      type: 'struct',
      fields: [
        { name: 'id', type: 'long', nullable: false, metadata: { comment: 'the key' } },
        { name: 'at', type: 'timestamp', nullable: true, metadata: {} },
      ],
    });
  });

  test('explicit containsNull: false is kept', () => {
    const type: DeltaType = parseDeltaType({ type: 'array', elementType: 'date', containsNull: false });
    expect(type).toEqual({ type: 'array', elementType: 'date', containsNull: false });
  });
});
