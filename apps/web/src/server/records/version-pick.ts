import type { Snapshot, Table } from '@lakestream/delta';
import { isDeltaError } from '../delta/delta';
import { isoTimestampFromMicros } from '../delta/iso-time';
import { RecordsError } from './records-error';

/** Which version to read: `version` exactly, else the newest at or before `asOf` (ms), else the latest. */
export interface VersionChoice {
  readonly version?: number | undefined;
  /** Time travel: milliseconds since the epoch. */
  readonly asOf?: number | undefined;
}

const iso = (ms: number) => isoTimestampFromMicros(BigInt(ms) * 1000n);

/** The table's latest snapshot and the one chosen (the same object when the latest is chosen). */
export interface PickedSnapshot {
  readonly latest: Snapshot;
  readonly snapshot: Snapshot;
}

/**
 * The snapshot `choice` names (Delta time travel: by version, or the newest commit whose `commitInfo`
 * timestamp is at or before `asOf`). Throws `RecordsError`: `VERSION_NOT_FOUND` for a version after the newest
 * (naming it) or one the log no longer holds (delta's words), `BEFORE_FIRST_COMMIT` for a time before the
 * oldest commit still in the log (naming it and its time).
 */
export async function pickSnapshot(table: Table, choice: VersionChoice): Promise<PickedSnapshot> {
  const latest = await table.snapshot();
  let version = choice.version;
  if (version === undefined && choice.asOf !== undefined) {
    const history = await table.history();
    const asOf = choice.asOf;
    const entry = history.find((h) => h.timestamp !== undefined && h.timestamp <= asOf);
    if (entry === undefined) {
      const oldest = history.at(-1);
      const first = oldest?.version === 0 ? "the table's first commit" : 'the oldest commit still in the log';
      throw new RecordsError(
        'BEFORE_FIRST_COMMIT',
        `${iso(asOf)} is before ${first} (version ${oldest?.version ?? 0} at ${iso(oldest?.timestamp ?? 0)}).`,
      );
    }
    version = entry.version;
  }
  if (version === undefined || version === latest.version) return { latest, snapshot: latest };
  if (version > latest.version) {
    throw new RecordsError(
      'VERSION_NOT_FOUND',
      `Version ${version} does not exist: the newest version of this table is ${latest.version}.`,
    );
  }
  try {
    return { latest, snapshot: await table.snapshot(version) };
  } catch (error) {
    if (isDeltaError(error, 'VERSION_NOT_FOUND'))
      throw new RecordsError('VERSION_NOT_FOUND', `Version ${version} cannot be read: ${error.message}`);
    throw error;
  }
}
