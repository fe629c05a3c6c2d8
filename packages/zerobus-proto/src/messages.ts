/** `RecordType` of `create_stream` (0, unspecified, is refused). */
export const RECORD_TYPE = { PROTO: 1, JSON: 2 } as const;

/** `CreateIngestStreamResponse` as proto-loader decodes it with `PROTO_LOADER_OPTIONS`. */
export interface ZerobusCreateStreamResponse {
  readonly stream_id?: string;
}

/**
 * A response of either bidi RPC as proto-loader decodes it with `PROTO_LOADER_OPTIONS`: one of the payloads is
 * set, and `payload` names it; 64-bit integers are decimal strings.
 */
export interface ZerobusStreamResponse {
  readonly payload?: string;
  readonly create_stream_response?: ZerobusCreateStreamResponse;
  readonly resume_stream_response?: { readonly last_committed_offset?: string };
  readonly ingest_record_response?: { readonly durability_ack_up_to_offset?: string };
  readonly close_stream_signal?: {
    readonly duration?: { readonly seconds?: string; readonly nanos?: number };
  };
}
