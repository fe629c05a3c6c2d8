import { DeltaError } from '../errors.js';
import type { ProtocolAction } from './actions.js';

/** Writer features implemented here: those of writer version 2 (appendOnly is enforced on remove). */
const WRITER_FEATURES = new Set(['appendOnly', 'invariants']);
/** Reader features implemented here: none beyond reader version 1. */
const READER_FEATURES = new Set<string>();

// What each legacy version adds (PROTOCOL.md "Table Features"), so a refusal can name the feature.
const LEGACY_READER: Record<number, string> = { 2: 'columnMapping' };
const LEGACY_WRITER: Record<number, string> = {
  3: 'checkConstraints',
  4: 'changeDataFeed/generatedColumns',
  5: 'columnMapping',
  6: 'identityColumns',
};

function refuse(location: string, mode: string, feature: string, p: ProtocolAction): never {
  throw new DeltaError(
    'UNSUPPORTED_FEATURE',
    `table ${location} uses the table feature "${feature}" (protocol ${p.minReaderVersion},${p.minWriterVersion}), which @lakestream/delta cannot ${mode}; use an engine that supports it (Spark, delta-rs)`,
  );
}

/** Throws `UNSUPPORTED_FEATURE` naming the feature when the protocol needs a reader capability we lack. */
export function assertCanRead(p: ProtocolAction, location: string): void {
  if (p.minReaderVersion <= 1) return;
  if (p.minReaderVersion === 3) {
    for (const f of p.readerFeatures ?? []) if (!READER_FEATURES.has(f)) refuse(location, 'read', f, p);
    return;
  }
  refuse(location, 'read', LEGACY_READER[p.minReaderVersion] ?? `reader version ${p.minReaderVersion}`, p);
}

/**
 * Throws `UNSUPPORTED_FEATURE` naming the feature unless we can write the table: writer version ≤ 2, or 7 with
 * only features we implement (spec: Actions / protocol). Checks reading too.
 */
export function assertCanWrite(p: ProtocolAction, location: string): void {
  assertCanRead(p, location);
  if (p.minWriterVersion <= 2) return;
  if (p.minWriterVersion === 7) {
    for (const f of p.writerFeatures ?? []) if (!WRITER_FEATURES.has(f)) refuse(location, 'write', f, p);
    return;
  }
  refuse(location, 'write', LEGACY_WRITER[p.minWriterVersion] ?? `writer version ${p.minWriterVersion}`, p);
}
