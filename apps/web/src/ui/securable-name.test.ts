import { describe, expect, test } from 'vitest';
import { securableNameProblem } from './securable-name';

describe('securableNameProblem', () => {
  test('accepts full names of each type, any case', () => {
    expect(securableNameProblem('catalog', 'Main')).toBeUndefined();
    expect(securableNameProblem('schema', 'main.sales')).toBeUndefined();
    expect(securableNameProblem('table', 'main.sales.orders')).toBeUndefined();
  });

  test('says in the catalog’s words what a half-typed or bad name lacks', () => {
    expect(securableNameProblem('table', 'main.sal')).toMatch(/three-part table name/);
    expect(securableNameProblem('schema', 'main')).toMatch(/schema/);
    expect(securableNameProblem('catalog', '1main')).toContain(
      "catalog name '1main' must start with a letter",
    );
  });
});
