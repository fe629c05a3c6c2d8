/**
 * What a table location names: a local directory, a folder of an Azure Blob Storage container, or a folder of
 * an S3 bucket. The one place that reads location strings, for `openStorage` and for the catalog's locations.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeltaError } from '../errors.js';

/** A parsed table location. `prefix` is the folder inside the container or bucket: `''` or ending in `/`. */
export type StorageLocation =
  | { kind: 'local'; directory: string }
  | { kind: 'azure'; container: string; prefix: string; account: string | undefined }
  | { kind: 's3'; bucket: string; prefix: string };

const URI = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `abfss://<container>@<account>.dfs.core.windows.net/<path>` (ADLS Gen2 names the same blobs). */
const ABFSS_HOST = /^([^@/]+)@([a-z0-9]+)\.(?:dfs|blob)\.core\.windows\.net$/i;

function unsupported(location: string, why: string): DeltaError {
  return new DeltaError(
    'UNSUPPORTED_LOCATION',
    `table location ${location} ${why}; use a directory path, a file: URI, az://<container>/<path>, abfss://<container>@<account>.dfs.core.windows.net/<path> or s3://<bucket>/<path>`,
  );
}

/**
 * The folder path of a URI as an object-name prefix: no leading `/`, a trailing `/` unless empty. Read from the
 * string as written (`URL` would resolve `..` away).
 */
function folderPrefix(location: string): string {
  const afterScheme = location.slice(location.indexOf('://') + 3);
  const slash = afterScheme.indexOf('/');
  const path = slash < 0 ? '' : afterScheme.slice(slash);
  const parts = decodeURIComponent(path)
    .split('/')
    .filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw unsupported(location, 'has a `.` or `..` segment');
  return parts.length === 0 ? '' : `${parts.join('/')}/`;
}

/**
 * Parses a location: a path (relative to the working directory, or absolute) or `file:` URI is local;
 * `az://<container>/<path>`, `abfss://<container>@<account>.dfs.core.windows.net/<path>` and
 * `s3://<bucket>/<path>` are object stores. Anything else (another scheme, a URI without a container or
 * bucket) throws `DeltaError` `UNSUPPORTED_LOCATION` naming the forms we take.
 */
export function parseStorageLocation(location: string): StorageLocation {
  if (location.startsWith('file:')) return { kind: 'local', directory: fileURLToPath(location) };
  const scheme = URI.exec(location)?.[1]?.toLowerCase();
  if (scheme === undefined) return { kind: 'local', directory: resolve(location) };
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw unsupported(location, 'is not a valid URI');
  }
  if (url.search !== '' || url.hash !== '') throw unsupported(location, 'has a query or fragment');
  const prefix = folderPrefix(location);
  if (scheme === 'az') {
    if (url.host === '') throw unsupported(location, 'names no container');
    return { kind: 'azure', container: url.host, prefix, account: undefined };
  }
  if (scheme === 'abfss') {
    const host = ABFSS_HOST.exec(decodeURIComponent(`${url.username}@${url.host}`));
    if (host === null) throw unsupported(location, 'is not <container>@<account>.dfs.core.windows.net');
    return { kind: 'azure', container: host[1] as string, prefix, account: host[2] as string };
  }
  if (scheme === 's3') {
    if (url.host === '') throw unsupported(location, 'names no bucket');
    return { kind: 's3', bucket: url.host, prefix };
  }
  throw unsupported(location, `uses the unsupported scheme ${scheme}:`);
}

/**
 * The location of a table from its catalog entry: a relative location (`tables/main/sales/orders`) is a
 * directory under `baseDir` (an ingest node's `--data-dir`, the console's tables directory); an absolute path
 * or `file:` URI is that directory; `az://`, `abfss://` and `s3://` locations are returned as they are. Throws
 * `UNSUPPORTED_LOCATION` for anything else. The result is what `openStorage` and `openTable` take.
 */
export function resolveTableLocation(location: string, baseDir: string): string {
  if (location.startsWith('file:') || URI.test(location)) {
    const parsed = parseStorageLocation(location);
    return parsed.kind === 'local' ? parsed.directory : location;
  }
  return isAbsolute(location) ? location : join(baseDir, location);
}
