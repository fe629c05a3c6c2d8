/**
 * Where a table's bytes live. Paths are relative to the table root and use `/` (e.g. `_delta_log/00…0.json`).
 * The log code only ever calls these five operations, so an S3-compatible adapter (conditional PUT with
 * `If-None-Match: *` for `putIfAbsent`, ListObjectsV2 with `start-after` for `list`) drops in unchanged;
 * orphan-file cleanup also needs the optional `listDetailed`.
 */
export interface Storage {
  /** A human-readable location for error messages (a directory path or a URL). */
  readonly location: string;
  /**
   * Paths that start with `prefix` (e.g. `_delta_log/`), sorted ascending; only those after `startAfter` when
   * given. Names starting with `.` (temp files) are never returned. A missing directory lists as empty.
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
   * Only for storage on the local file system: its directory, so that another thread (a Parquet encoder) can
   * open the same storage (`createLocalStorage(root, { fsync })`) and write an object itself.
   */
  readonly local?: LocalFiles;
}

/** Where a local storage's objects live, and how they are written. */
export interface LocalFiles {
  /** The directory the objects' paths are relative to. */
  readonly root: string;
  /** Whether writes fsync the file and its directory. */
  readonly fsync: boolean;
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
