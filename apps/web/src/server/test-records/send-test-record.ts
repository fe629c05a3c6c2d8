import type { Actor, TableInfo } from '@lakestream/catalog';
import type { PreviewCell } from '../delta/preview-cells';
import type { WebServices } from '../services';
import { forgetTestRecordCredential, testRecordToken } from './console-credential';
import type { IngestTarget } from './ingest-targets';
import { type NodeRefusal, parseNodeRefusal } from './node-refusal';
import { latestVersion, waitForRow } from './row-visibility';
import { findStreamNode, type StreamNode } from './stream-node';
import { sendOneJsonRecord } from './zerobus-call';

/** Bounds of one test record: the gRPC call, and the wait for its row. Defaults in `TEST_RECORD_DEFAULTS`. */
export interface TestRecordLimits {
  /** The call's deadline, ack included (ms). */
  readonly callTimeoutMs: number;
  /** How long to wait for the row to be readable in the table after the ack (ms). */
  readonly visibleTimeoutMs: number;
  /** Pause between two reads of the table's newest rows (ms). */
  readonly pollMs: number;
}

/** The limits the console uses. */
export const TEST_RECORD_DEFAULTS: TestRecordLimits = {
  callTimeoutMs: 15_000,
  visibleTimeoutMs: 30_000,
  pollMs: 250,
};

/** One column of the answer: what was sent, and what the table holds. */
export interface TestRecordColumn {
  readonly name: string;
  /** The column's Delta type (`long`, `string`, …; nested types as JSON text). */
  readonly type: string;
  /** Whether the record named the column. */
  readonly sent: boolean;
  /** The value sent (JSON), or null when not sent. */
  readonly sentValue: unknown;
  /** The value the table holds (a preview cell), once the row is visible; null before or when refused. */
  readonly stored: PreviewCell;
}

/** The node's answer to a test record, with where it went. */
export type TestRecordResult = {
  /** The target dialled (`endpoint` or `node:<id>`) and its endpoint. */
  readonly target: { readonly id: string; readonly endpoint: string };
  /** The node that held the stream (from the nodes' admin API), or null when none the console knows listed it. */
  readonly node: StreamNode | null;
  readonly sentAt: number;
  readonly columns: TestRecordColumn[];
} & (
  | {
      readonly outcome: 'acked';
      readonly streamId: string;
      /** `durability_ack_up_to_offset`: `0`, the record's offset on its stream. */
      readonly ackedOffset: string;
      readonly ackMs: number;
      /** When the row became readable: the version read and ms after the ack; null when not within the bound. */
      readonly visible: { readonly version: number; readonly afterAckMs: number } | null;
      readonly waitedMs: number;
    }
  | { readonly outcome: 'refused'; readonly refusal: NodeRefusal }
);

/** A JSON object's fields, or null when `text` is not one (the node then says why). */
function parseRecord(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** What `sendTestRecord` needs. */
export interface TestRecordRequest {
  readonly services: WebServices;
  /** The signed-in user (checked for MODIFY before). */
  readonly actor: Actor;
  readonly table: TableInfo;
  /** The table's resolved location. */
  readonly location: string;
  readonly target: IngestTarget;
  /** The record's JSON text. */
  readonly record: string;
  readonly limits?: TestRecordLimits | undefined;
}

/**
 * Sends one JSON record to `table` through the producers' path — a Zerobus ephemeral stream to `target`,
 * authenticated as the signed-in user (`testRecordToken`) — and answers field by field: refused (the node's
 * status and message, with the field it names), or acked (offset, time to ack, the node that held the stream)
 * and then, once the row is readable in the Delta table, each column's stored value. The row lands in the
 * real table: it is the real path.
 */
export async function sendTestRecord(request: TestRecordRequest): Promise<TestRecordResult> {
  const { services, actor, table, location, target } = request;
  const limits = request.limits ?? TEST_RECORD_DEFAULTS;
  const afterVersion = await latestVersion(location);
  const token = await testRecordToken(services, actor);
  const sentAt = Date.now();
  let node: StreamNode | null =
    target.nodeId === undefined ? null : { nodeId: target.nodeId, adminAddress: null };
  const outcome = await sendOneJsonRecord({
    target,
    token,
    table: table.name,
    record: request.record,
    timeoutMs: limits.callTimeoutMs,
    whileOpen: async (streamId) => {
      node = (await findStreamNode(services, table.name, streamId)) ?? node;
    },
  });
  const parsed = parseRecord(request.record);
  const columnsWith = (cells: readonly PreviewCell[] | null): TestRecordColumn[] =>
    table.deltaSchema.fields.map((f, i) => ({
      name: f.name,
      type: typeof f.type === 'string' ? f.type : JSON.stringify(f.type),
      sent: parsed !== null && f.name in parsed,
      sentValue: parsed?.[f.name] ?? null,
      stored: cells?.[i] ?? null,
    }));
  const base = { target: { id: target.id, endpoint: target.endpoint }, node, sentAt };
  if (outcome.kind === 'refused') {
    if (outcome.status === 'UNAUTHENTICATED') forgetTestRecordCredential(services, actor.principalId);
    return {
      ...base,
      columns: columnsWith(null),
      outcome: 'refused',
      refusal: parseNodeRefusal(outcome.status, outcome.message),
    };
  }
  const ackedAt = Date.now();
  const row = await waitForRow({
    location,
    schema: table.deltaSchema,
    record: parsed ?? {},
    afterVersion,
    timeoutMs: limits.visibleTimeoutMs,
    intervalMs: limits.pollMs,
    newestRows: 50,
  });
  const waitedMs = Date.now() - ackedAt;
  return {
    ...base,
    columns: columnsWith(row?.cells ?? null),
    outcome: 'acked',
    streamId: outcome.streamId,
    ackedOffset: outcome.ackedOffset,
    ackMs: Math.round(outcome.ackMs),
    visible: row === null ? null : { version: row.version, afterAckMs: waitedMs },
    waitedMs,
  };
}
