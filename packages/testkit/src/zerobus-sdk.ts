import { createRequire } from 'node:module';

/** A record stream of the official Zerobus SDK (JSON or protobuf records). */
export interface ZerobusSdkStream {
  ingestRecordOffset(record: string | Buffer): Promise<bigint>;
  ingestRecordsOffset(records: (string | Buffer)[]): Promise<bigint>;
  waitForOffset(offset: bigint): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** An Arrow stream of the official Zerobus SDK (OAuth only: no headers provider for Arrow). */
export interface ZerobusSdkArrowStream {
  ingestBatch(ipc: Buffer): Promise<bigint>;
  waitForOffset(offset: bigint): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The parts of the official Zerobus TypeScript SDK's native binding (1.3.0) that tests and benchmarks drive. */
export interface ZerobusSdk {
  ZerobusSdk: new (
    endpoint: string,
    workspaceUrl: string,
  ) => {
    createStream(
      table: { tableName: string; descriptorProto?: string },
      clientId: string,
      clientSecret: string,
      options: Record<string, unknown>,
      headers?: { getHeadersCallback: () => [string, string][] },
    ): Promise<ZerobusSdkStream>;
    createArrowStream(
      table: { tableName: string; schemaFields: { name: string; dataType: number; nullable: boolean }[] },
      clientId: string,
      clientSecret: string,
      options?: Record<string, unknown>,
    ): Promise<ZerobusSdkArrowStream>;
  };
  RecordType: { Json: number; Proto: number };
  ArrowDataType: { Int64: number; Utf8: number; Int32: number };
  IpcCompressionType: { Lz4Frame: number; Zstd: number };
}

let loaded: ZerobusSdk | undefined;

/**
 * The official SDK's native binding (Rust core), loaded once from its platform package — the wrapper package
 * in the registry is older (see shared/spec/zerobus-wire-protocol.md).
 */
export function loadZerobusSdk(): ZerobusSdk {
  loaded ??= createRequire(import.meta.url)(
    '@databricks/zerobus-ingest-sdk-linux-x64-gnu/zerobus-ingest-sdk.linux-x64-gnu.node',
  ) as ZerobusSdk;
  return loaded;
}
