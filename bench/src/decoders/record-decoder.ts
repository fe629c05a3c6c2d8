/**
 * A decoder under benchmark: decodes every record of `records` and returns a number derived from the work
 * (a checksum or a row count), so the engine cannot drop any of it as dead code.
 */
export interface RecordDecoder {
  readonly name: string;
  decodeAll(records: readonly Uint8Array[]): number;
}
