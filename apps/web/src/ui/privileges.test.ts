import * as catalog from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import { PRIVILEGES, privilegesFor, SECURABLE_TYPES } from './privileges';

describe('the pages grant vocabulary', () => {
  it('is the catalog’s', () => {
    expect(PRIVILEGES).toEqual(catalog.PRIVILEGES);
    expect(SECURABLE_TYPES).toEqual(catalog.SECURABLE_TYPES);
    for (const type of catalog.SECURABLE_TYPES) {
      expect(privilegesFor(type)).toEqual(catalog.PRIVILEGES.filter((p) => catalog.isGrantableOn(p, type)));
    }
  });
});
