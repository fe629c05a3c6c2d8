import { type DeltaStructType, parseColumns, toDeltaSchema } from '@lakestream/catalog';
import { describe, expect, it } from 'vitest';
import { sdkSnippets } from './sdk-snippets';

const schema: DeltaStructType = {
  type: 'struct',
  fields: [
    { name: 'id', type: 'long', nullable: false, metadata: {} },
    { name: 'item', type: 'string', nullable: true, metadata: {} },
  ],
};
const schemaOf = (columns: unknown) => toDeltaSchema(parseColumns(columns));
const snippets = sdkSnippets('main.sales.orders', schema, 'http://127.0.0.1:50051', 'http://127.0.0.1:3000');

/** Every `SOMETHING_CLIENT_ID` / `SOMETHING_CLIENT_SECRET` name a snippet mentions. */
function credentialVariables(code: string): string[] {
  return [...new Set(code.match(/[A-Z][A-Z0-9_]*_CLIENT_(?:ID|SECRET)/g) ?? [])].sort();
}

describe('sdkSnippets', () => {
  it.each(['typescript', 'python', 'rust'] as const)(
    '%s reads the client id and secret from the official SDKs’ variables, DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET',
    (language) => {
      expect(credentialVariables(snippets[language])).toEqual([
        'DATABRICKS_CLIENT_ID',
        'DATABRICKS_CLIENT_SECRET',
      ]);
    },
  );

  it('TypeScript imports the SDK by its published npm package, not a platform binding path', () => {
    expect(snippets.typescript).toContain(
      "import { RecordType, ZerobusSdk } from '@databricks/zerobus-ingest-sdk';",
    );
    expect(snippets.typescript).not.toMatch(/createRequire|linux-x64-gnu|\.node'/);
    expect(snippets.typescript).toContain(
      'new ZerobusSdk("http://127.0.0.1:50051", "http://127.0.0.1:3000")',
    );
    expect(snippets.typescript).toContain('process.env.DATABRICKS_CLIENT_ID');
  });

  it('Rust uses only what the crate exports at its root, and its builder API', () => {
    // databricks-zerobus-ingest-sdk re-exports ZerobusSdk and JsonString at its root; RecordType lives under
    // databricks::zerobus, and TableProperties is crate-private: the stream builder picks JSON and the table.
    expect(snippets.rust).toContain('use databricks_zerobus_ingest_sdk::{JsonString, ZerobusSdk};');
    expect(snippets.rust).not.toMatch(
      /RecordType|TableProperties|StreamConfigurationOptions|ZerobusSdk::new/,
    );
    expect(snippets.rust).toContain('ZerobusSdk::builder()');
    expect(snippets.rust).toContain('.endpoint("http://127.0.0.1:50051")');
    expect(snippets.rust).toContain('.unity_catalog_url("http://127.0.0.1:3000")');
    expect(snippets.rust).toContain('.table("main.sales.orders")');
    expect(snippets.rust).toContain(
      '.oauth(std::env::var("DATABRICKS_CLIENT_ID")?, std::env::var("DATABRICKS_CLIENT_SECRET")?)',
    );
    expect(snippets.rust).toContain('.json()');
    expect(snippets.rust).toContain('stream.ingest_record_offset(JsonString(');
    expect(snippets.rust).not.toMatch(/\.ingest_record\(/);
  });

  it('Python follows the current SDK: JSON chosen by a TableProperties without descriptor, ingest_record_offset, flush', () => {
    expect(snippets.python).toContain('from zerobus.sdk.sync import ZerobusSdk');
    expect(snippets.python).toContain('from zerobus.sdk.shared import TableProperties');
    expect(snippets.python).toContain('ZerobusSdk("http://127.0.0.1:50051", "http://127.0.0.1:3000")');
    expect(snippets.python).toContain('os.environ["DATABRICKS_CLIENT_ID"]');
    expect(snippets.python).toContain('TableProperties("main.sales.orders")');
    expect(snippets.python).toContain('stream.ingest_record_offset(');
    expect(snippets.python).toContain('stream.flush()');
    // record_type no longer selects the format (the README's table of options); the deprecated ingest_record.
    expect(snippets.python).not.toMatch(/RecordType|StreamConfigurationOptions|\.ingest_record\(/);
  });

  it('a boolean of the example record is spelled True in Python', () => {
    const flagged: DeltaStructType = {
      type: 'struct',
      fields: [{ name: 'ok', type: 'boolean', nullable: true, metadata: {} }],
    };
    const python = sdkSnippets('main.sales.flags', flagged, 'http://e', 'http://w').python;
    expect(python).toContain('stream.ingest_record_offset({"ok": True})');
  });

  it('each snippet carries one example record built from the schema', () => {
    expect(snippets.typescript).toContain('{"id":1,"item":"text"}');
    expect(snippets.python).toContain('stream.ingest_record_offset({"id": 1, "item": "text"})');
    expect(snippets.rust).toContain(`r#"{"id":1,"item":"text"}"#`);
  });

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
    expect(snippets.python).toContain(`${notes('#')}try:\n    stream.ingest_record_offset(`);
    expect(snippets.rust).toContain(`${notes('//')}let offset = stream.ingest_record_offset(`);
    expect(snippets.typescript).toContain('"at":1700000000000000,"inner":{"day":19675}');
  });

  it('adds no such lines to a table without dates or timestamps', () => {
    const snippets = sdkSnippets('c.s.t', schemaOf([{ name: 'id', type: 'long' }]), 'http://a', 'http://b');
    expect(snippets.typescript).not.toContain('Dates and timestamps');
    expect(snippets.python).not.toContain('Dates and timestamps');
  });
});
