import { describe, expect, test } from 'vitest';
import { isCatalogError } from './catalog-error.js';
import {
  columnNameProblem,
  findDuplicateName,
  MAX_NAME_LENGTH,
  parseIdentifier,
  parseSchemaName,
  parseServicePrincipalName,
  parseTableName,
} from './names.js';

function invalidName(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isCatalogError(error, 'INVALID_NAME')) return error.message;
    throw error;
  }
  throw new Error('expected INVALID_NAME');
}

describe('service principal names', () => {
  test.each(['orders-producer', 'Orders.Producer_2', '1st-bot'])('accepts %s', (name) => {
    expect(parseServicePrincipalName(name)).toBe(name.toLowerCase());
  });

  test.each([
    ['', 'cannot be empty'],
    ['orders producer', "service principal name 'orders producer' must start with a letter or digit"],
    ['-bot', 'must start with a letter or digit'],
    ['bot\n', "hold only letters, digits, '_', '-' and '.'"],
    ['x'.repeat(MAX_NAME_LENGTH + 1), 'the limit is 255'],
  ])('refuses %j', (name, words) => {
    expect(invalidName(() => parseServicePrincipalName(name))).toContain(words);
  });
});

describe('identifiers', () => {
  test.each(['main', '_x', 'a1_b2', 'Sales', 'x'.repeat(MAX_NAME_LENGTH)])('accepts %s', (name) => {
    expect(parseIdentifier(name, 'catalog')).toBe(name.toLowerCase());
  });

  test.each([
    ['', 'cannot be empty'],
    ['1abc', "must start with a letter or '_'"],
    ['a-b', "must start with a letter or '_'"],
    ['a b', "must start with a letter or '_'"],
    ['a.b', "must start with a letter or '_'"],
    ['café', "must start with a letter or '_'"],
    ['x'.repeat(MAX_NAME_LENGTH + 1), 'the limit is 255'],
  ])('refuses %j', (name, words) => {
    expect(invalidName(() => parseIdentifier(name, 'schema'))).toContain(words);
  });

  test('three-part names are parsed, lower-cased and checked part by part', () => {
    expect(parseTableName('Main.Sales.Orders')).toEqual({
      catalog: 'main',
      schema: 'sales',
      table: 'orders',
    });
    expect(parseSchemaName('main.sales')).toEqual({ catalog: 'main', schema: 'sales' });
    expect(invalidName(() => parseTableName('main.sales'))).toContain(
      "three-part table name 'catalog.schema.table'",
    );
    expect(invalidName(() => parseTableName('main.sales.orders.x'))).toContain('three-part');
    expect(invalidName(() => parseTableName('main.9sales.orders'))).toContain("schema name '9sales'");
    expect(invalidName(() => parseTableName('main.sales.'))).toContain('a table name cannot be empty');
    expect(invalidName(() => parseSchemaName('main'))).toContain("two-part schema name 'catalog.schema'");
  });
});

describe('column names', () => {
  test.each(['id', 'Order ID'.replace(' ', '_'), 'ünïcode', 'a-b', 'a.b', '1st'])('accepts %j', (name) => {
    expect(columnNameProblem(name)).toBeUndefined();
  });

  test.each([' ', ',', ';', '{', '}', '(', ')', '\n', '\t', '='])('refuses a name containing %j', (char) => {
    expect(columnNameProblem(`a${char}b`)).toContain('Delta column names must be free of');
  });

  test('refuses empty and over-long names', () => {
    expect(columnNameProblem('')).toBe('a column name cannot be empty');
    expect(columnNameProblem('c'.repeat(256))).toContain('the limit is 255');
  });

  test('duplicates are found ignoring case', () => {
    expect(findDuplicateName(['id', 'Name', 'NAME'])).toEqual({ name: 'NAME', index: 2, earlier: 'Name' });
    expect(findDuplicateName(['id', 'name'])).toBeUndefined();
  });
});
