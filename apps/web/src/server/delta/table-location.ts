import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A table location the console cannot read (an object-store URI). */
export class TableLocationError extends Error {
  override readonly name = 'TableLocationError';
  readonly code = 'UNSUPPORTED_LOCATION';
}

/**
 * The directory of a table's Delta log from its catalog location: an absolute path as it is, a `file:` URI as
 * its path, a relative one (`tables/main/sales/orders`) under `tablesDir` — where the ingest nodes resolve it
 * against their `--data-dir`. Throws `TableLocationError` for other URIs (`s3://…`): the console reads local
 * tables only.
 */
export function resolveTableLocation(location: string, tablesDir: string): string {
  if (location.startsWith('file:')) return fileURLToPath(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new TableLocationError(
      `table location ${location} is not a local directory; the console reads local tables only`,
    );
  }
  return isAbsolute(location) ? location : join(tablesDir, location);
}
