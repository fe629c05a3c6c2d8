import type { Schema } from 'apache-arrow';
import { parseJson } from './json.js';
import type { AddAction, MetadataAction, ProtocolAction } from './log/actions.js';
import type { LogState } from './log/log-state.js';
import { toArrowSchema } from './schema/arrow-schema.js';
import { type DeltaSchema, parseDeltaSchema } from './schema/delta-schema.js';

/** A table as of one version: what a reader needs, immutable. */
export interface Snapshot {
  /** Where the table is. */
  readonly location: string;
  readonly version: number;
  readonly protocol: ProtocolAction;
  readonly metadata: MetadataAction;
  /** The table schema (Delta JSON form) and its Arrow form. */
  readonly schema: DeltaSchema;
  readonly arrowSchema: Schema;
  readonly partitionColumns: readonly string[];
  /** Table properties (`metaData.configuration`). */
  readonly properties: Readonly<Record<string, string>>;
  /** The active data files. */
  readonly files: readonly AddAction[];
  /** Latest `txn.version` per appId (exact). */
  readonly txns: ReadonlyMap<string, bigint>;
  /** Sum of `numRecords` over files that have stats (`undefined` if any file lacks them). */
  readonly numRecords: number | undefined;
  /** The latest `txn.version` committed by `appId`, or `undefined` if it never committed. */
  latestTxnVersion(appId: string): bigint | undefined;
}

function countRecords(files: readonly AddAction[]): number | undefined {
  let total = 0;
  for (const f of files) {
    if (f.stats === undefined) return undefined;
    const n = /"numRecords":(\d+)/.exec(f.stats)?.[1];
    if (n === undefined) return undefined;
    total += Number(n);
  }
  return total;
}

/** An immutable snapshot of a replayed state (`state` must be complete: protocol and metaData present). */
export function snapshotOf(location: string, state: LogState): Snapshot {
  const metadata = state.metadata as MetadataAction;
  const schema = parseDeltaSchema(parseJson(metadata.schemaString), 'log');
  const files = [...state.files.values()];
  const txns = new Map([...state.txns].map(([k, t]) => [k, t.version]));
  let numRecords: number | null | undefined = null;
  return {
    location,
    version: state.version,
    protocol: state.protocol as ProtocolAction,
    metadata,
    schema,
    arrowSchema: toArrowSchema(schema),
    partitionColumns: metadata.partitionColumns,
    properties: metadata.configuration,
    files,
    txns,
    get numRecords() {
      if (numRecords === null) numRecords = countRecords(files);
      return numRecords;
    },
    latestTxnVersion: (appId) => txns.get(appId),
  };
}
