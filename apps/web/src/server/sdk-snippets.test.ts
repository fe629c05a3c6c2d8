import { parseColumns, toDeltaSchema } from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import { sdkSnippets } from './sdk-snippets';

const schemaOf = (columns: unknown) => toDeltaSchema(parseColumns(columns));

describe('sdkSnippets', () => {
  it('says before the example record what its date and timestamp numbers count', () => {
    const snippets = sdkSnippets(
      'main.sales.events',
      schemaOf([
        { name: 'id', type: 'long' },
        { name: 'at', type: 'timestamp' },
        { name: 'inner', type: { type: 'struct', fields: [{ name: 'day', type: 'date' }] } },
      ]),
      'http://127.0.0.1:50051',
      'http://127.0.0.1:3000',
    );
    const notes = (mark: string) =>
      `${mark} Dates and timestamps are numbers:\n` +
      `${mark}   at: microseconds since 1970-01-01T00:00:00Z (UTC)\n` +
      `${mark}   inner.day: days since 1970-01-01\n`;
    expect(snippets.typescript).toContain(`${notes('//')}const offset = await stream.ingestRecordOffset(`);
    expect(snippets.python).toContain(`${notes('#')}stream.ingest_record(json.dumps(`);
    expect(snippets.rust).toContain(`${notes('//')}stream.ingest_record(`);
    expect(snippets.typescript).toContain('"at":1700000000000000,"inner":{"day":19675}');
  });

  it('adds no such lines to a table without dates or timestamps', () => {
    const snippets = sdkSnippets('c.s.t', schemaOf([{ name: 'id', type: 'long' }]), 'http://a', 'http://b');
    expect(snippets.typescript).not.toContain('Dates and timestamps');
    expect(snippets.python).not.toContain('Dates and timestamps');
  });
});
