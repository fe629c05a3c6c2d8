import { IngestError } from '../base/errors.js';

const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * The `offset_id` of a data `FlightData`: its `app_metadata` is JSON `{"offset_id": n}` (a non-negative
 * integer; a decimal string is accepted too). Anything else is INVALID_ARGUMENT naming what was expected.
 */
export function parseOffsetId(appMetadata: Uint8Array, what: string, expected: bigint): bigint {
  const missing = (why: string): IngestError =>
    new IngestError(
      'INVALID_ARGUMENT',
      `${what}: app_metadata must be JSON {"offset_id": ${expected}} (${why})`,
    );
  if (appMetadata.length === 0) throw missing('it is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(appMetadata));
  } catch {
    throw missing('it is not JSON');
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).offset_id : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d{1,19}$/.test(value)) return BigInt(value);
  throw missing(value === undefined ? 'offset_id is missing' : 'offset_id is not a non-negative integer');
}
