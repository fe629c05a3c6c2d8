/*
 * The modes of what the node creates in its data directory: every acked record (the WAL), the admin API's
 * secret, the node's catalog (credential hashes, grants) and descriptors live there, so they are the node
 * user's alone. The modes are given when a file or directory is created, so they hold whatever the umask
 * (which can only take bits away); directories that already exist are not changed (see `prepareDataDir`).
 */

/** Directories the node creates: the data directory, `wal/`, `descriptors/`, `catalog/`. */
export const PRIVATE_DIR_MODE = 0o700;

/** Files the node writes: WAL segments, `streams.json`, `node-id`, `admin-secret`, descriptors, the catalog. */
export const PRIVATE_FILE_MODE = 0o600;

/** Whether `mode` (a `stat` mode) lets the group or others in at all. */
export function isOpenToOthers(mode: number): boolean {
  return (mode & 0o077) !== 0;
}

/** `mode`'s permission bits as `0755`. */
export function formatMode(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, '0')}`;
}
