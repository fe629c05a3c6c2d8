import { describe, expect, it } from 'vitest';
import { typeLabel } from './type-label';

describe('typeLabel', () => {
  it('prints primitives as they are and nested types in one line', () => {
    expect(typeLabel('decimal(10,2)')).toBe('decimal(10,2)');
    expect(
      typeLabel({
        type: 'map',
        keyType: 'string',
        valueType: {
          type: 'array',
          elementType: {
            type: 'struct',
            fields: [{ name: 'a', type: 'long', nullable: true, metadata: {} }],
          },
          containsNull: true,
        },
        valueContainsNull: true,
      }),
    ).toBe('map<string, array<struct<1 field>>>');
  });
});
