/** Response messages of the bidi RPCs, in the shape the proto-loader serializer takes (int64 as strings). */

/** `IngestRecordResponse`: `durability_ack_up_to_offset` is always set, even when 0 (proto2 presence). */
export function ackResponse(offset: bigint): { durability_ack_up_to_offset: string } {
  return { durability_ack_up_to_offset: offset.toString() };
}

/** `CloseStreamSignal{duration}`: the client stops sending, waits for its acks, then reconnects. */
export function closeSignal(ms: number): { duration: { seconds: string; nanos: number } } {
  return { duration: { seconds: Math.floor(ms / 1000).toString(), nanos: (ms % 1000) * 1_000_000 } };
}
