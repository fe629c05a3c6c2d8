import { describe, expect, it } from 'vitest';
import type { DeltaError } from '../errors.js';
import { parseStorageLocation, resolveTableLocation } from './storage-location.js';

const refusal = (location: string): DeltaError => {
  try {
    parseStorageLocation(location);
  } catch (err) {
    return err as DeltaError;
  }
  throw new Error(`${location} was accepted`);
};

describe('parseStorageLocation', () => {
  it('reads local paths, file: URIs and the object-store URIs', () => {
    expect(parseStorageLocation('/data/t')).toEqual({ kind: 'local', directory: '/data/t' });
    expect(parseStorageLocation('file:///data/my%20t')).toEqual({ kind: 'local', directory: '/data/my t' });
    expect(parseStorageLocation('az://lake/main/sales/orders')).toEqual({
      kind: 'azure',
      container: 'lake',
      prefix: 'main/sales/orders/',
      account: undefined,
    });
    expect(parseStorageLocation('abfss://lake@acct.dfs.core.windows.net/t/')).toEqual({
      kind: 'azure',
      container: 'lake',
      prefix: 't/',
      account: 'acct',
    });
    expect(parseStorageLocation('s3://bucket')).toEqual({ kind: 's3', bucket: 'bucket', prefix: '' });
    expect(parseStorageLocation('s3://bucket//a/b')).toEqual({
      kind: 's3',
      bucket: 'bucket',
      prefix: 'a/b/',
    });
  });

  it('refuses other schemes and malformed object-store URIs with UNSUPPORTED_LOCATION', () => {
    for (const [location, words] of [
      ['gs://bucket/t', 'unsupported scheme gs:'],
      ['abfss://acct.dfs.core.windows.net/t', 'is not <container>@<account>'],
      ['s3://bucket/a/../b', '`..` segment'],
      ['az://lake/t?sv=1', 'query or fragment'],
    ] as const) {
      const err = refusal(location);
      expect(err.code).toBe('UNSUPPORTED_LOCATION');
      expect(err.message).toContain(words);
      expect(err.message).toContain('az://<container>/<path>');
    }
  });
});

describe('resolveTableLocation', () => {
  it('puts relative locations under the base directory and keeps the others', () => {
    expect(resolveTableLocation('tables/main/sales/orders', '/srv/data')).toBe(
      '/srv/data/tables/main/sales/orders',
    );
    expect(resolveTableLocation('/abs/orders', '/srv/data')).toBe('/abs/orders');
    expect(resolveTableLocation('file:///abs/orders', '/srv/data')).toBe('/abs/orders');
    expect(resolveTableLocation('az://lake/orders', '/srv/data')).toBe('az://lake/orders');
    expect(resolveTableLocation('s3://bucket/orders', '/srv/data')).toBe('s3://bucket/orders');
    expect(() => resolveTableLocation('http://example.com/t', '/srv/data')).toThrow(
      /unsupported scheme http:/,
    );
  });
});
