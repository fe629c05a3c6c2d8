import { DELTA_PRIMITIVE_TYPES, parseColumns, toDeltaSchema } from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import {
  defaultType,
  type FieldDraft,
  initialColumns,
  moveItem,
  newField,
  PRIMITIVE_TYPES,
  toColumnsInput,
} from './column-model';

// The editor's output goes through the catalog's real parser (what tables.create runs), not a copy of its rules.
describe('column editor model', () => {
  it('starts with a valid id column', () => {
    expect(toDeltaSchema(parseColumns(toColumnsInput(initialColumns())))).toEqual({
      type: 'struct',
      fields: [{ name: 'id', type: 'long', nullable: false, metadata: {} }],
    });
  });

  it('turns nested drafts (struct, array of struct, map, decimal) into the Delta schema the catalog stores', () => {
    const address = newField('address', {
      kind: 'struct',
      fields: [{ ...newField('zip', { kind: 'string' }, false), comment: 'postal code' }],
    });
    const lines = newField('lines', {
      kind: 'array',
      containsNull: false,
      element: { kind: 'struct', fields: [newField('price', { kind: 'decimal', precision: 12, scale: 3 })] },
    });
    const tags = newField('tags', {
      kind: 'map',
      key: { kind: 'string' },
      value: { kind: 'long' },
      valueContainsNull: true,
    });
    const columns: FieldDraft[] = [
      { ...newField('at', { kind: 'timestamp' }, false), comment: ' event time ' },
      address,
      lines,
      tags,
    ];

    expect(toDeltaSchema(parseColumns(toColumnsInput(columns))).fields).toEqual([
      { name: 'at', type: 'timestamp', nullable: false, metadata: { comment: 'event time' } },
      {
        name: 'address',
        type: {
          type: 'struct',
          fields: [{ name: 'zip', type: 'string', nullable: false, metadata: { comment: 'postal code' } }],
        },
        nullable: true,
        metadata: {},
      },
      {
        name: 'lines',
        type: {
          type: 'array',
          elementType: {
            type: 'struct',
            fields: [{ name: 'price', type: 'decimal(12,3)', nullable: true, metadata: {} }],
          },
          containsNull: false,
        },
        nullable: true,
        metadata: {},
      },
      {
        name: 'tags',
        type: { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true },
        nullable: true,
        metadata: {},
      },
    ]);
  });

  it('lets the catalog name the bad nested column', () => {
    const columns = [newField('address', { kind: 'struct', fields: [newField('zip code')] })];
    expect(() => parseColumns(toColumnsInput(columns))).toThrow(/address/);
  });

  it('every type kind starts as something the catalog accepts, except timestamp_ntz (refused in words)', () => {
    for (const kind of ['string', 'decimal', 'array', 'map'] as const) {
      expect(() => parseColumns(toColumnsInput([newField('c', defaultType(kind))]))).not.toThrow();
    }
    // A new struct has one unnamed field: the catalog asks for its name.
    expect(() => parseColumns(toColumnsInput([newField('c', defaultType('struct'))]))).toThrow();
    expect(() => parseColumns(toColumnsInput([newField('c', defaultType('timestamp_ntz'))]))).toThrow(
      /timestamp_ntz/,
    );
  });

  it('offers every primitive type the catalog accepts (its list is written out for the browser bundle)', () => {
    const offered: readonly string[] = PRIMITIVE_TYPES;
    expect(DELTA_PRIMITIVE_TYPES.filter((t) => !offered.includes(t))).toEqual([]);
  });

  it('moves columns up and down, and not past the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveItem(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });
});
