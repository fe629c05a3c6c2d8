import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config.js';

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Default `info`. */
  readonly level?: LogLevel;
  /** Added to every line as `node_id`. */
  readonly nodeId?: string;
  /** Where the JSON lines go. Default: stdout. Tests pass a stream to read them. */
  readonly destination?: DestinationStream;
}

/** Keys whose values never reach the log, wherever they appear (one level deep, and in request headers). */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'secret',
  '*.secret',
  'adminSecret',
  '*.adminSecret',
  'token',
  '*.token',
];

/**
 * The node's logger: pino, one JSON object per line on stdout, `service: "lakestream-ingest"` and the node
 * id on every line, ISO timestamps, errors under `err` with their stack and cause, and bearer tokens and
 * secrets redacted (`REDACTED_PATHS`).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: {
        service: 'lakestream-ingest',
        ...(options.nodeId === undefined ? {} : { node_id: options.nodeId }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}
