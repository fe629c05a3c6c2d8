import type { Log } from '../../src/base/log.js';

/** One line a {@link recordingLog} kept. */
export interface LogLine {
  readonly level: keyof Log;
  readonly obj: object;
  readonly msg: string | undefined;
}

/** A log that keeps its info, warn and error lines (debug is dropped), for assertions. */
export function recordingLog(): Log & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const keep = (level: keyof Log) => (obj: object, msg?: string) => {
    lines.push({ level, obj, msg });
  };
  return { debug() {}, info: keep('info'), warn: keep('warn'), error: keep('error'), lines };
}
