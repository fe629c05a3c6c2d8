/** A record the node refused, in parts: its status and the field, offset and reason its message names. */
export interface NodeRefusal {
  /** The gRPC status name (`INVALID_ARGUMENT`, `PERMISSION_DENIED`, `UNAUTHENTICATED`, …). */
  readonly status: string;
  /** The node's message as it sent it. */
  readonly message: string;
  /** The refused field's path (`item`, `lines[2].qty`), when the message names one. */
  readonly field: string | null;
  /** Why, in the decoder's words (`expected a string, found 7`), when the message says. */
  readonly reason: string | null;
  /** The decoder's code (`TYPE_MISMATCH`, `UNKNOWN_FIELD`, …), when the message ends with one. */
  readonly code: string | null;
}

/**
 * The node words a bad record `table <t>, offset <n>, record <i>, field <path>[ at byte <b>]: <reason> (<CODE>)`
 * (apps/ingest's record decoder); a record refused as a whole has no `field` part.
 */
const DECODE_MESSAGE =
  /^table [^,]+, offset \d+, record \d+(?:, field (?<field>.+?))?(?: at byte \d+)?: (?<reason>.*) \((?<code>[A-Z_]+)\)$/s;

/** Splits the node's refusal `message` (status `status`) into field, reason and code where it names them. */
export function parseNodeRefusal(status: string, message: string): NodeRefusal {
  const groups = DECODE_MESSAGE.exec(message)?.groups;
  return {
    status,
    message,
    field: groups?.field ?? null,
    reason: groups?.reason ?? null,
    code: groups?.code ?? null,
  };
}
