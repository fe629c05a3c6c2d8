import { createRequire } from 'node:module';

/** A stream of the official Zerobus SDK (the parts the tests drive). */
export interface SdkStream {
  ingestRecordOffset(record: string): Promise<bigint>;
  waitForOffset(offset: bigint): Promise<void>;
  close(): Promise<void>;
}

/** The official Zerobus TypeScript SDK's native binding (as apps/ingest's sdk-compat test loads it). */
export interface SdkModule {
  ZerobusSdk: new (
    endpoint: string,
    workspaceUrl: string,
  ) => {
    createStream(
      table: { tableName: string },
      clientId: string,
      clientSecret: string,
      options: Record<string, unknown>,
      headers?: { getHeadersCallback: () => [string, string][] },
    ): Promise<SdkStream>;
  };
  RecordType: { Json: number };
}

/** The SDK binding, loaded once per test file. */
export const sdk = createRequire(import.meta.url)(
  '@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node',
) as SdkModule;
