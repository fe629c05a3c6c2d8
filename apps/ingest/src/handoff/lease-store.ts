import { openStorage, type Storage } from '@lakestream/delta';
import { IngestError } from '../base/errors.js';
import type { ProvisionedTable } from '../catalog/catalog-view.js';
import { tableLocation } from '../catalog/table-location.js';

/*
 * Who holds a persistent stream, kept next to its table where every node can read it: under
 * `_lakestream/streams/<streamId>/` of the table's storage (Delta readers ignore folders starting with `_`),
 * `<epoch>-lease.json` says which writer took the stream at that epoch and `<epoch>-release.json` that it let
 * it go, at which durable offset, once every record it acked was committed to the table. Both are written
 * once with `putIfAbsent` — the same conditional create every Delta commit relies on — so two nodes racing
 * for epoch n+1 cannot both win, and nothing is ever overwritten.
 */

/** One holder's lease on a persistent stream. */
export interface StreamLease {
  readonly epoch: number;
  /** The writer that took it: `<nodeId>:<incarnation>` (see `holderName`). */
  readonly holder: string;
  readonly nodeId: string;
  readonly table: string;
  /** The principal that created the stream (only it may resume or retire it); null: any with MODIFY. */
  readonly principalId: string | null;
  /** The durable offset the previous holder released at (decimal); null: none yet. */
  readonly from: string | null;
  readonly acquiredAt: string;
}

/** A holder letting go of its lease: every record up to `offset` is in the table. */
export interface StreamRelease {
  readonly epoch: number;
  readonly holder: string;
  /** Highest durable offset (decimal); null: the stream never had a record. */
  readonly offset: string | null;
  /** Retired: the stream ends here, no one takes it again. */
  readonly retired: boolean;
  readonly releasedAt: string;
}

/** A stream's newest lease and, when it was let go, its release. */
export interface LeaseState {
  readonly lease: StreamLease | undefined;
  readonly release: StreamRelease | undefined;
}

const EPOCH_DIGITS = 10;
const NAME = /^(\d{10})-(lease|release)\.json$/;
const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Throws INVALID_ARGUMENT unless `streamId` can be a persistent stream's id (it names a folder). */
export function assertStreamId(streamId: string): void {
  if (!STREAM_ID.test(streamId)) {
    throw new IngestError(
      'INVALID_ARGUMENT',
      `'${streamId.slice(0, 140)}' is not a persistent stream id (letters, digits, '-' and '_', at most 128); use the stream_id create_stream answered`,
    );
  }
}

/** The folder of `streamId`'s lease objects in its table's storage. */
export function leaseFolder(streamId: string): string {
  return `_lakestream/streams/${streamId}/`;
}

function objectPath(streamId: string, epoch: number, what: 'lease' | 'release'): string {
  return `${leaseFolder(streamId)}${String(epoch).padStart(EPOCH_DIGITS, '0')}-${what}.json`;
}

/** Reads and writes the lease objects of persistent streams, in the storage of each stream's table. */
export class LeaseStore {
  private readonly storages = new Map<string, Storage>();

  /** `dataDir`: the base of relative table locations (as for publishing). */
  constructor(private readonly dataDir: string) {}

  private storage(table: ProvisionedTable): Storage {
    const location = tableLocation(this.dataDir, table);
    let storage = this.storages.get(location);
    if (storage === undefined) {
      storage = openStorage(location);
      this.storages.set(location, storage);
    }
    return storage;
  }

  /** The newest lease of `streamId` in `table` and its release; both `undefined` for a stream never leased there. */
  async read(table: ProvisionedTable, streamId: string): Promise<LeaseState> {
    const storage = this.storage(table);
    const names = await storage.list(leaseFolder(streamId));
    let newest: { epoch: number; path: string } | undefined;
    let released: string | undefined;
    for (const path of names) {
      const m = NAME.exec(path.slice(leaseFolder(streamId).length));
      if (m === null) continue;
      const epoch = Number(m[1]);
      if (m[2] === 'lease' && (newest === undefined || epoch > newest.epoch)) newest = { epoch, path };
    }
    if (newest === undefined) return { lease: undefined, release: undefined };
    const releasePath = objectPath(streamId, newest.epoch, 'release');
    if (names.includes(releasePath)) released = releasePath;
    const lease = await readJson<StreamLease>(storage, newest.path);
    const release = released === undefined ? undefined : await readJson<StreamRelease>(storage, released);
    return { lease, release };
  }

  /** Writes `lease` unless its epoch is taken; `false` when another writer took it first. */
  async acquire(table: ProvisionedTable, streamId: string, lease: StreamLease): Promise<boolean> {
    return this.storage(table).putIfAbsent(
      objectPath(streamId, lease.epoch, 'lease'),
      encoder.encode(JSON.stringify(lease)),
    );
  }

  /**
   * Writes `release` for its epoch. Already there from this same holder (written before a crash, or by a
   * retry) is fine; from another holder it is a defect, thrown as INTERNAL.
   */
  async release(table: ProvisionedTable, streamId: string, release: StreamRelease): Promise<void> {
    const storage = this.storage(table);
    const path = objectPath(streamId, release.epoch, 'release');
    if (await storage.putIfAbsent(path, encoder.encode(JSON.stringify(release)))) return;
    const found = await readJson<StreamRelease>(storage, path);
    if (found?.holder !== release.holder) {
      throw new IngestError(
        'INTERNAL',
        `persistent stream ${streamId}: epoch ${release.epoch} was released by ${found?.holder ?? 'nobody'}, not by its holder ${release.holder} (${storage.location})`,
      );
    }
  }
}

async function readJson<T>(storage: Storage, path: string): Promise<T | undefined> {
  const bytes = await storage.read(path);
  return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as T);
}
