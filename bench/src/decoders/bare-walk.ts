import type { RecordDecoder } from './record-decoder.js';

/**
 * Which length-delimited fields of a message are sub-messages to walk into: `messages[fieldNumber]` is the
 * sub-message's own shape, `undefined` for strings, bytes and packed scalars (their bytes are read as such).
 */
export interface WalkShape {
  readonly messages: readonly (WalkShape | undefined)[];
}

/** The shape of a message with sub-messages at `fields` (field number → the sub-message's shape). */
export function createWalkShape(fields: Readonly<Record<number, WalkShape>> = {}): WalkShape {
  const messages: (WalkShape | undefined)[] = [];
  for (const [n, shape] of Object.entries(fields)) messages[Number(n)] = shape;
  // Dense up to the highest field number, so lookups stay on a packed-elements array.
  for (let i = 0; i < messages.length; i++) messages[i] ??= undefined;
  return { messages };
}

/**
 * Walks one message in `buf[pos, end)` the way the benchmark spec defines the baseline ("a bare hand-written
 * wire walk that touches every tag and value but stores nothing"): reads every tag, decodes every varint to
 * its full 64-bit value (as two 32-bit halves), reads every fixed32/fixed64 as integers, reads every length
 * prefix and then every byte of the value (strings, bytes, packed runs) or walks into it (the sub-messages
 * `shape` names), stores nothing, and folds it all into a 32-bit checksum. The practical ceiling for a
 * JavaScript protobuf decoder. Throws on malformed input (wire type 6/7, a length past `end`, a varint over
 * 10 bytes); groups are walked inline.
 */
export function walkMessage(buf: Uint8Array, pos: number, end: number, shape: WalkShape): number {
  let sum = 0;
  while (pos < end) {
    // Tag: a varint of at most 5 bytes (field numbers < 2^29).
    let b = buf[pos++]!;
    let tag = b & 0x7f;
    if (b > 0x7f) {
      b = buf[pos++]!;
      tag |= (b & 0x7f) << 7;
      if (b > 0x7f) {
        b = buf[pos++]!;
        tag |= (b & 0x7f) << 14;
        if (b > 0x7f) {
          b = buf[pos++]!;
          tag |= (b & 0x7f) << 21;
          if (b > 0x7f) {
            b = buf[pos++]!;
            tag |= (b & 0x0f) << 28;
            if (b > 0x0f) throw new Error(`tag too long at ${pos}`);
          }
        }
      }
    }
    sum = (sum + tag) | 0;
    switch (tag & 7) {
      case 0: {
        // Varint: low 32 bits in lo, high 32 bits in hi.
        b = buf[pos++]!;
        let lo = b & 0x7f;
        let hi = 0;
        if (b > 0x7f) {
          b = buf[pos++]!;
          lo |= (b & 0x7f) << 7;
          if (b > 0x7f) {
            b = buf[pos++]!;
            lo |= (b & 0x7f) << 14;
            if (b > 0x7f) {
              b = buf[pos++]!;
              lo |= (b & 0x7f) << 21;
              if (b > 0x7f) {
                b = buf[pos++]!;
                lo |= b << 28;
                hi = (b & 0x7f) >>> 4;
                if (b > 0x7f) {
                  b = buf[pos++]!;
                  hi |= (b & 0x7f) << 3;
                  if (b > 0x7f) {
                    b = buf[pos++]!;
                    hi |= (b & 0x7f) << 10;
                    if (b > 0x7f) {
                      b = buf[pos++]!;
                      hi |= (b & 0x7f) << 17;
                      if (b > 0x7f) {
                        b = buf[pos++]!;
                        hi |= (b & 0x7f) << 24;
                        if (b > 0x7f) {
                          b = buf[pos++]!;
                          hi |= b << 31;
                          if (b > 1) throw new Error(`varint too long at ${pos}`);
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        sum = (sum + (lo ^ hi)) | 0;
        break;
      }
      case 1: {
        const lo = buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24);
        const hi = buf[pos + 4]! | (buf[pos + 5]! << 8) | (buf[pos + 6]! << 16) | (buf[pos + 7]! << 24);
        pos += 8;
        sum = (sum + (lo ^ hi)) | 0;
        break;
      }
      case 2: {
        // Length: a varint of at most 5 bytes.
        b = buf[pos++]!;
        let len = b & 0x7f;
        if (b > 0x7f) {
          b = buf[pos++]!;
          len |= (b & 0x7f) << 7;
          if (b > 0x7f) {
            b = buf[pos++]!;
            len |= (b & 0x7f) << 14;
            if (b > 0x7f) {
              b = buf[pos++]!;
              len |= (b & 0x7f) << 21;
              if (b > 0x7f) {
                b = buf[pos++]!;
                len = (len | (b << 28)) >>> 0;
              }
            }
          }
        }
        const next = pos + len;
        if (next > end) throw new Error(`length out of bounds at ${pos}`);
        const sub = shape.messages[tag >>> 3];
        if (sub !== undefined) sum = (sum + walkMessage(buf, pos, next, sub)) | 0;
        else for (let at = pos; at < next; at++) sum = (sum + buf[at]!) | 0;
        pos = next;
        break;
      }
      case 5: {
        sum = (sum + (buf[pos]! | (buf[pos + 1]! << 8) | (buf[pos + 2]! << 16) | (buf[pos + 3]! << 24))) | 0;
        pos += 4;
        break;
      }
      case 3:
      case 4:
        // Start/end group: the group's fields are walked inline.
        break;
      default:
        throw new Error(`invalid wire type ${tag & 7} at ${pos}`);
    }
  }
  if (pos > end) throw new Error('truncated');
  return sum;
}

/** The bare wire walk as a benchmark decoder; `shape` names the sub-messages to walk into. */
export function createBareWalkDecoder(shape: WalkShape): RecordDecoder {
  return {
    name: 'bare walk',
    decodeAll(records) {
      let sum = 0;
      for (const r of records) sum = (sum + walkMessage(r, 0, r.length, shape)) | 0;
      return sum;
    },
  };
}
