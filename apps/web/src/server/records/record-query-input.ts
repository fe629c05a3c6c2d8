import { z } from 'zod';
import { FILTER_OPERATORS, parseTimestampMicros } from './record-filter';
import type { RecordQuery } from './record-source';
import { RecordsError } from './records-error';

/** A filter as the browser and the export send it. */
export const recordFilterInput = z.object({
  column: z.string().min(1).max(255),
  op: z.enum(FILTER_OPERATORS),
  value: z.string().max(1000).optional(),
});

/**
 * What to read, as the `records` procedures and the export route take it: the table, a version or a time
 * (`asOf`, ISO-8601; UTC unless it has an offset) and up to 20 filters, ANDed.
 */
export const recordQueryInput = z.object({
  name: z.string().min(1).max(800),
  version: z.number().int().min(0).optional(),
  asOf: z.string().min(1).max(64).optional(),
  filters: z.array(recordFilterInput).max(20).default([]),
});

/** The input of {@link recordQueryInput}. */
export type RecordQueryInput = z.infer<typeof recordQueryInput>;

/** The query of an input: `asOf` parsed to ms (`BAD_VALUE` in a sentence when it is not a time). */
export function toRecordQuery(input: RecordQueryInput): RecordQuery {
  let asOf: number | undefined;
  if (input.asOf !== undefined) {
    const micros = parseTimestampMicros(input.asOf.trim());
    if (micros === undefined) {
      throw new RecordsError(
        'BAD_VALUE',
        `'${input.asOf}' is not a time: write it as 2024-05-01T12:00:00Z (UTC unless it has an offset).`,
      );
    }
    asOf = Number(micros / 1000n);
  }
  return { version: input.version, asOf, filters: input.filters };
}
