import { createAzureBlobStorage } from './azure-blob-storage.js';
import { createLocalStorage } from './local-storage.js';
import { createS3Storage } from './s3-storage.js';
import type { Storage, StorageDescription, StorageOptions } from './storage.js';
import { parseStorageLocation } from './storage-location.js';

/**
 * Opens the storage a location names (see `parseStorageLocation`): a directory path or `file:` URI on the
 * local disk, `az://`/`abfss://` in Azure Blob Storage, `s3://` in S3 or an S3-compatible store. Throws
 * `UNSUPPORTED_LOCATION` for other locations and `STORAGE` for an object store without credentials. Nothing
 * is contacted until the first operation.
 */
export function openStorage(location: string, options: StorageOptions = {}): Storage {
  const parsed = parseStorageLocation(location);
  switch (parsed.kind) {
    case 'local':
      return createLocalStorage(
        parsed.directory,
        options.fsync === undefined ? {} : { fsync: options.fsync },
      );
    case 'azure':
      return createAzureBlobStorage(location, parsed, options);
    case 's3':
      return createS3Storage(location, parsed, options);
  }
}

/** Opens the storage a description names (another thread's storage, see `Storage.description`). */
export function reopenStorage(description: StorageDescription): Storage {
  return openStorage(description.location, description.options);
}
