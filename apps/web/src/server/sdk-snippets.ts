import type { DeltaStructType, DeltaType } from '@lakestream/catalog';
import { unitsOf } from './temporal-units';

/** Code to start producing to a table, per SDK language. */
export interface SdkSnippets {
  readonly typescript: string;
  readonly python: string;
  readonly rust: string;
}

/** A sample JSON value of Delta type `type` (for the snippets' example record). */
function sample(type: DeltaType): unknown {
  if (typeof type !== 'string') {
    if (type.type === 'struct') return sampleRecord(type);
    if (type.type === 'array') return [sample(type.elementType)];
    return { [String(sample(type.keyType))]: sample(type.valueType) };
  }
  if (type === 'string') return 'text';
  if (type === 'boolean') return true;
  if (type === 'binary') return 'AAE=';
  if (type === 'float' || type === 'double' || type.startsWith('decimal')) return 1.5;
  if (type === 'timestamp') return 1_700_000_000_000_000;
  if (type === 'date') return 19_675;
  return 1;
}

function sampleRecord(schema: DeltaStructType): Record<string, unknown> {
  return Object.fromEntries(schema.fields.map((f) => [f.name, sample(f.type)]));
}

/** `at: microseconds since …` for every date and timestamp column of `schema` (struct fields by path). */
function unitNotes(schema: DeltaStructType, prefix = ''): string[] {
  return schema.fields.flatMap((f) => {
    const path = `${prefix}${f.name}`;
    if (typeof f.type !== 'string' && f.type.type === 'struct') return unitNotes(f.type, `${path}.`);
    const units = unitsOf(f.type);
    return units === undefined ? [] : [`${path}: ${units}`];
  });
}

/**
 * SDK snippets for table `tableName`: the official Zerobus SDKs pointed at this deployment (`endpoint`, the
 * ingest node; `workspaceUrl`, the console, which serves `/oidc/v1/token`), a JSON stream and one example
 * record built from the schema. Client id and secret come from the environment, never from the snippet.
 */
export function sdkSnippets(
  tableName: string,
  schema: DeltaStructType,
  endpoint: string,
  workspaceUrl: string,
): SdkSnippets {
  const record = JSON.stringify(sampleRecord(schema));
  const q = JSON.stringify;
  // The units of the record's date and timestamp numbers, as comment lines (`//` or `#`) before it.
  const notes = unitNotes(schema);
  const units = (mark: string) =>
    notes.length === 0
      ? ''
      : `${mark} Dates and timestamps are numbers:\n${notes.map((n) => `${mark}   ${n}\n`).join('')}`;
  const typescript = `import { createRequire } from 'node:module';

// The official SDK's native binding (see apps/ingest/README.md).
const { ZerobusSdk, RecordType } = createRequire(import.meta.url)(
  '@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node',
);
const sdk = new ZerobusSdk(${q(endpoint)}, ${q(workspaceUrl)});
const stream = await sdk.createStream(
  { tableName: ${q(tableName)} },
  process.env.LAKESTREAM_CLIENT_ID,
  process.env.LAKESTREAM_CLIENT_SECRET,
  { recordType: RecordType.Json },
);
${units('//')}const offset = await stream.ingestRecordOffset(JSON.stringify(${record}));
await stream.waitForOffset(offset);
await stream.close();
`;
  const python = `import json, os
from zerobus.sdk.sync import ZerobusSdk
from zerobus.sdk.shared import RecordType, StreamConfigurationOptions, TableProperties

sdk = ZerobusSdk(${q(endpoint)}, ${q(workspaceUrl)})
stream = sdk.create_stream(
    os.environ["LAKESTREAM_CLIENT_ID"],
    os.environ["LAKESTREAM_CLIENT_SECRET"],
    TableProperties(${q(tableName)}),
    StreamConfigurationOptions(record_type=RecordType.JSON),
)
${units('#')}stream.ingest_record(json.dumps(${record}))
stream.flush()
stream.close()
`;
  const rust = `use databricks_zerobus_ingest_sdk::{RecordType, StreamConfigurationOptions, TableProperties, ZerobusSdk};

let sdk = ZerobusSdk::new(${q(endpoint)}.to_string(), ${q(workspaceUrl)}.to_string())?;
let table = TableProperties { table_name: ${q(tableName)}.to_string(), descriptor_proto: None };
let options = StreamConfigurationOptions { record_type: RecordType::Json, ..Default::default() };
let mut stream = sdk
    .create_stream(table, std::env::var("LAKESTREAM_CLIENT_ID")?, std::env::var("LAKESTREAM_CLIENT_SECRET")?, Some(options))
    .await?;
${units('//')}stream.ingest_record(${q(record)}.to_string()).await?.await?;
stream.close().await?;
`;
  return { typescript, python, rust };
}
