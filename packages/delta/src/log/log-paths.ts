/** Names of files in `_delta_log/` (spec: Layout, Checkpoint). */

/** The log directory, as a storage prefix. */
export const LOG_DIR = '_delta_log/';
/** The pointer to the newest checkpoint. */
export const LAST_CHECKPOINT = `${LOG_DIR}_last_checkpoint`;

/** A version zero-padded to 20 digits, as every log file name starts. */
export function padVersion(version: number): string {
  return String(version).padStart(20, '0');
}

/** `_delta_log/<version>.json`. */
export function commitPath(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.json`;
}

/** `_delta_log/<version>.checkpoint.parquet` (classic, single file). */
export function checkpointPath(version: number): string {
  return `${LOG_DIR}${padVersion(version)}.checkpoint.parquet`;
}

/** What a log file name says about itself. */
export type LogFile =
  | { kind: 'commit'; version: number; path: string }
  | { kind: 'checkpoint'; version: number; path: string; part?: number; parts?: number };

const COMMIT = /^(\d{20})\.json$/;
const CHECKPOINT = /^(\d{20})\.checkpoint(?:\.(\d{10})\.(\d{10}))?\.parquet$/;

/** Classifies a listed path; `undefined` for anything else (temp files, .crc, v2 checkpoint sidecars). */
export function parseLogPath(path: string): LogFile | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const c = COMMIT.exec(name);
  if (c !== null) return { kind: 'commit', version: Number(c[1]), path };
  const k = CHECKPOINT.exec(name);
  if (k !== null) {
    const file: LogFile = { kind: 'checkpoint', version: Number(k[1]), path };
    if (k[2] !== undefined && k[3] !== undefined) {
      file.part = Number(k[2]);
      file.parts = Number(k[3]);
    }
    return file;
  }
  return undefined;
}
