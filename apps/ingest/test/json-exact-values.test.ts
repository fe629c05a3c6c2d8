import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadZerobusSdk, type ZerobusSdkStream as SdkStream } from '@lakestream/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestNode } from '../src/server-node.js';
import { readDeltaLog, readLiveRows } from './fault/read-delta.js';
import { EVENTS, type testCatalog } from './support/test-catalog.js';
import { readTable, startTestNode, tempDir } from './support/test-node.js';

/*
 * What real producers send: Python's json, Go's encoding/json and Java's Jackson write an int64 as a bare
 * JSON number, however large. Through the official SDK (JSON records) into a real node, every such value
 * must land exactly in the Delta table: BIGINT at both ends of its range and just past 2^53, TIMESTAMP as µs
 * at 9999-12-31T23:59:59.999999Z and before 1970.
 */

const sdk = loadZerobusSdk();

let dir: string;
let cleanup: () => Promise<void>;
let node: IngestNode;
let cat: ReturnType<typeof testCatalog>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  ({ node, cat } = await startTestNode(dir));
});

afterEach(async () => {
  await node.close(500);
  await cleanup();
});

function open(port: number): Promise<SdkStream> {
  const client = new sdk.ZerobusSdk(`http://127.0.0.1:${port}`, `http://127.0.0.1:${port}`);
  return client.createStream(
    { tableName: EVENTS },
    'client-id',
    'client-secret',
    { recordType: sdk.RecordType.Json },
    {
      getHeadersCallback: () => [
        ['authorization', `Bearer ${cat.tokens.good.token}`],
        ['x-databricks-zerobus-table-name', EVENTS],
      ],
    },
  );
}

/** seq (BIGINT) and at (TIMESTAMP, µs) as the JSON number texts a producer sends, and what they mean. */
const VALUES: [seq: string, at: string, iso: string][] = [
  ['9223372036854775807', '253402300799999999', '9999-12-31T23:59:59.999999Z'],
  ['-9223372036854775808', '-62135596800000000', '0001-01-01T00:00:00.000000Z'],
  ['9007199254740993', '-11676096000000001', '1599-12-31T23:59:59.999999Z'],
  ['-9007199254740993', '10413792000000001', '2300-01-01T00:00:00.000001Z'],
  ['18014398509481985', '-1', '1969-12-31T23:59:59.999999Z'],
];

describe('JSON integers beyond ±2^53 through the official SDK', () => {
  it('land exactly in BIGINT and TIMESTAMP columns: Delta read and an independent DuckDB read', async () => {
    const stream = await open(node.port);
    let last = -1n;
    for (const [seq, at] of VALUES.slice(0, 3)) {
      last = await stream.ingestRecordOffset(`{"stream": "s", "seq": ${seq}, "at": ${at}}`);
    }
    last = await stream.ingestRecordsOffset(
      VALUES.slice(3).map(([seq, at]) => `{"stream":"b","seq":${seq},"at":${at},"tags":["x"]}`),
    );
    await stream.waitForOffset(last);
    await stream.close();
    await node.publishers.flushAll();

    const location = join(dir, 'tables/main/sales/events');
    const table = await readTable(dir, 'tables/main/sales/events');
    const seqs = table.getChild('seq')!;
    const at = table.getChild('at')!;
    const micros = at.data.flatMap((d) =>
      Array.from(d.values as BigInt64Array).slice(d.offset, d.offset + d.length),
    );
    expect(Array.from({ length: table.numRows }, (_, i) => String(seqs.get(i)))).toEqual(
      VALUES.map((v) => v[0]),
    );
    expect(micros.map(String)).toEqual(VALUES.map((v) => v[1]));

    const db = await DuckDBInstance.create(':memory:');
    const duck = await db.connect();
    try {
      const log = await readDeltaLog(duck, location);
      expect(log.problems).toEqual([]);
      const { columns, problems } = await readLiveRows(
        duck,
        log,
        `r.seq::VARCHAR, epoch_us(r."at")::VARCHAR, strftime(r."at"::TIMESTAMP, '%Y-%m-%dT%H:%M:%S.%fZ')`,
      );
      expect(problems).toEqual([]);
      expect(columns).toEqual([VALUES.map((v) => v[0]), VALUES.map((v) => v[1]), VALUES.map((v) => v[2])]);
    } finally {
      duck.closeSync();
    }
  });

  it('refuse a number beyond BIGINT, quoting it as sent, with table, offset, record and field', async () => {
    const stream = await open(node.port);
    const sent = stream.ingestRecordsOffset([
      '{"stream": "s", "seq": 1}',
      '{"stream": "s", "seq": 9223372036854775808}',
    ]);
    const error = await sent.then(
      async (offset) =>
        stream.waitForOffset(offset).then(
          () => undefined,
          (e: unknown) => e,
        ),
      (e: unknown) => e,
    );
    await stream.close().catch(() => undefined);
    expect(String(error)).toMatch(
      /table main\.sales\.events, offset 0, record 1, field seq: 9223372036854775808 is out of range for int64 \(-9223372036854775808 to 9223372036854775807\)/,
    );
  });
});
