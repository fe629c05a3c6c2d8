/**
 * A table schema in the Delta / Spark JSON form (`metaData.schemaString` parsed): the same shape
 * `packages/delta` writes. Primitive types are strings (`"long"`, `"timestamp"`, `"decimal(10,2)"`, …).
 */
export type TableType =
  | string
  | TableStruct
  | { type: 'array'; elementType: TableType; containsNull: boolean }
  | { type: 'map'; keyType: TableType; valueType: TableType; valueContainsNull: boolean };

export interface TableStruct {
  type: 'struct';
  fields: readonly TableField[];
}

export interface TableField {
  name: string;
  type: TableType;
  nullable: boolean;
  metadata?: Record<string, unknown>;
}

/** Options of `createParser`. Every limit has a default that suits the Zerobus protocol. */
export interface ParserOptions {
  /** Largest record accepted, in bytes; larger ones fail with `RECORD_TOO_LARGE`. Default 10 MiB. */
  maxRecordBytes?: number;
  /** Deepest nesting of messages and groups accepted. Default 100. */
  recursionLimit?: number;
  /**
   * Syntax of a bare DescriptorProto, which does not say it (a FileDescriptorSet does). Default `proto2`,
   * what Zerobus descriptors use: scalar fields have presence and absent ones become nulls.
   */
  syntax?: 'proto2' | 'proto3';
  /**
   * The table the records go to. When given, the Zerobus conventions apply: an int64 field whose column is
   * `timestamp` becomes Timestamp(µs, "UTC"), an int32 field whose column is `date` becomes DateDay.
   */
  tableSchema?: TableStruct;
  /**
   * Build every array of the batches in `SharedArrayBuffer`s, so that a batch can be posted to worker threads
   * without a copy (the ingest node's Parquet encoders read them in place). Default false: `ArrayBuffer`s.
   */
  sharedMemory?: boolean;
  /**
   * How many released leases' buffers the parser keeps for reuse by `decodeBatchLeased`. Default 2: a caller
   * that releases each batch before decoding the next. A caller that holds many batches and releases them in
   * bursts (the ingest node, once a commit publishes them) keeps more; the memory kept is at most this many
   * batches' buffers.
   */
  leasePool?: number;
}

/** Options of `createJsonParser`. */
export interface JsonParserOptions {
  /** What to do with a JSON key that is not a column: `reject` (default) fails the record, `ignore` skips it. */
  unknownFields?: 'reject' | 'ignore';
  /** Largest record accepted, in UTF-16 code units of the JSON text. Default 10 MiB. */
  maxRecordBytes?: number;
  /** Deepest nesting accepted. Default 100. */
  recursionLimit?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 10 * 1024 * 1024;
export const DEFAULT_RECURSION_LIMIT = 100;
