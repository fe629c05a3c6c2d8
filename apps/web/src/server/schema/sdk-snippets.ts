import type { DeltaStructType, DeltaType } from '@lakestream/catalog';
import {
  CLIENT_ID_VARIABLE,
  CLIENT_SECRET_VARIABLE,
  TYPESCRIPT_SDK_PACKAGE,
} from '../../sdk-credential-variables';
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

/** `value` (a sample record's JSON value) as a Python literal: `True`/`False` where JSON says `true`/`false`. */
function pythonLiteral(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map(pythonLiteral).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${pythonLiteral(v)}`);
    return `{${entries.join(', ')}}`;
  }
  // Strings and numbers: JSON's spelling is Python's (its escapes included).
  return JSON.stringify(value);
}

/** `text` as a Rust string literal: raw (`r#"…"#`) so JSON needs no escaping, unless it holds `"#`. */
function rustString(text: string): string {
  return text.includes('"#') ? JSON.stringify(text) : `r#"${text}"#`;
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
 * record built from the schema. Each follows its SDK's current published API (the npm package, the Rust
 * crate's builders and root exports, the Python package's quick start). Client id and secret come from the
 * environment, under the SDKs' own names (`CLIENT_ID_VARIABLE`, `CLIENT_SECRET_VARIABLE`), never from the
 * snippet.
 */
export function sdkSnippets(
  tableName: string,
  schema: DeltaStructType,
  endpoint: string,
  workspaceUrl: string,
): SdkSnippets {
  const record = sampleRecord(schema);
  const json = JSON.stringify(record);
  const q = JSON.stringify;
  // The units of the record's date and timestamp numbers, as comment lines (`//` or `#`) before it.
  const notes = unitNotes(schema);
  const units = (mark: string) =>
    notes.length === 0
      ? ''
      : `${mark} Dates and timestamps are numbers:\n${notes.map((n) => `${mark}   ${n}\n`).join('')}`;
  const id = CLIENT_ID_VARIABLE;
  const secret = CLIENT_SECRET_VARIABLE;
  const typescript = `import { RecordType, ZerobusSdk } from '${TYPESCRIPT_SDK_PACKAGE}';

// A service principal's client id and secret (shown once, when the console creates the secret).
const clientId = process.env.${id};
const clientSecret = process.env.${secret};
if (!clientId || !clientSecret) throw new Error('set ${id} and ${secret}');

const sdk = new ZerobusSdk(${q(endpoint)}, ${q(workspaceUrl)});
const stream = await sdk.createStream({ tableName: ${q(tableName)} }, clientId, clientSecret, {
  recordType: RecordType.Json,
});
${units('//')}const offset = await stream.ingestRecordOffset(JSON.stringify(${json}));
await stream.waitForOffset(offset);
await stream.close();
`;
  const python = `import os
from zerobus.sdk.sync import ZerobusSdk
from zerobus.sdk.shared import TableProperties

sdk = ZerobusSdk(${q(endpoint)}, ${q(workspaceUrl)})
# No descriptor in TableProperties: a JSON stream.
stream = sdk.create_stream(
    os.environ["${id}"],
    os.environ["${secret}"],
    TableProperties(${q(tableName)}),
)
${units('#')}try:
    stream.ingest_record_offset(${pythonLiteral(record)})
    stream.flush()
finally:
    stream.close()
`;
  const rust = `use databricks_zerobus_ingest_sdk::{JsonString, ZerobusSdk};

let sdk = ZerobusSdk::builder()
    .endpoint(${q(endpoint)})
    .unity_catalog_url(${q(workspaceUrl)})
    .build()?;
let mut stream = sdk
    .stream_builder()
    .table(${q(tableName)})
    .oauth(std::env::var("${id}")?, std::env::var("${secret}")?)
    .json()
    .build()
    .await?;
${units('//')}let offset = stream.ingest_record_offset(JsonString(${rustString(json)}.to_string())).await?;
stream.wait_for_offset(offset).await?;
stream.close().await?;
`;
  return { typescript, python, rust };
}
