/**
 * Where a table's bytes live. Paths are relative to the table root and use `/` (e.g. `_delta_log/00…0.json`).
 * The log code only ever calls these five operations; the adapters are a local directory
 * (`createLocalStorage`), Azure Blob Storage (`createAzureBlobStorage`) and S3-compatible stores
 * (`createS3Storage`), all commits by conditional create; `openStorage` picks one from a location.
 * Orphan-file cleanup also needs the optional `listDetailed`.
 */
export interface Storage {
  /** A human-readable location for error messages (a directory path or a URL). */
  readonly location: string;
  /**
   * Paths that start with `prefix` (e.g. `_delta_log/`) in the folder it names, sorted ascending (UTF-16 code
   * unit order, as `Array.prototype.sort`); only those after `startAfter` when given. Names starting with `.`
   * (temp files) are never returned. A missing directory lists as empty.
   */
  list(prefix: string, options?: { startAfter?: string }): Promise<string[]>;
  /** The whole object, or `undefined` when it does not exist. */
  read(path: string): Promise<Uint8Array | undefined>;
  /** Creates or replaces an object atomically: readers see the old bytes or the new, never a part. */
  write(path: string, data: Uint8Array): Promise<void>;
  /**
   * Creates the object only if nothing exists at `path`; `true` when this call created it, `false` when it
   * already existed. Atomic and complete: no reader ever sees a partial object. The basis of every commit.
   */
  putIfAbsent(path: string, data: Uint8Array): Promise<boolean>;
  /** Removes an object; no error when it is already gone. */
  delete(path: string): Promise<void>;
  /**
   * Optional, for maintenance (`removeOrphanFiles` needs it): the objects directly in the folder `prefix`
   * names (`''` for the table root, `_delta_log/`; nothing in subfolders, no folders themselves), sorted by
   * path, each with its size and last modification time — plus the temp objects this adapter's own writes
   * leave when interrupted (flagged `temp`), which `list` hides. Other hidden names (`.crc` files) are never
   * returned. An object store answers it from the same listing as `list` (S3 ListObjectsV2 with
   * `delimiter=/`: `Key`, `Size`, `LastModified`; Azure List Blobs likewise); one whose writes are atomic
   * has no temp objects to flag. A missing folder lists as empty.
   */
  listDetailed?(prefix: string): Promise<ObjectInfo[]>;
  /**
   * How to open this same storage in another thread (a Parquet encoder writing its data file itself):
   * `openStorage(description.location, description.options)`. Set by every adapter `openStorage` makes; a
   * storage without one gets the encoded bytes back on the caller's thread and writes them there.
   */
  readonly description?: StorageDescription;
}

/** A storage as plain data (it crosses `postMessage`): its location URI or path and the options it was opened with. */
export interface StorageDescription {
  /** A directory path, a `file:` URI, `az://…`, `abfss://…` or `s3://…` (see `openStorage`). */
  readonly location: string;
  readonly options: StorageOptions;
}

/** Options of `openStorage`, each used by the adapters it concerns. Plain data, so a storage can be reopened elsewhere. */
export interface StorageOptions {
  /**
   * Local directories: fsync every file written and the directory it lands in, so a commit survives a power
   * loss (default `true`). Turn off only for throwaway tables in tests or benchmarks.
   */
  fsync?: boolean;
  /** Object stores: the most objects one listing request returns (default: the service's, 1,000 on S3, 5,000 on Azure). */
  pageSize?: number;
  /**
   * Object stores: the environment variables credentials and endpoints are read from (default `process.env`;
   * see the adapters for which). Given explicitly, it travels with the storage's description to other threads.
   */
  env?: Readonly<Record<string, string | undefined>>;
}

/** One object of a detailed listing (`Storage.listDetailed`). */
export interface ObjectInfo {
  /** Relative to the table root, like every storage path. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** Last modification, ms since the epoch (a local file's mtime; an object store's `LastModified`). */
  readonly modifiedMs: number;
  /** `true` for a temp object of this adapter's own writes (locally `.<uuid>.tmp`), never a table file. */
  readonly temp: boolean;
}
