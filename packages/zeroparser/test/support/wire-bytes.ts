/** Minimal protobuf wire helpers for building and rewriting test records (independent of the decoder). */

/** Appends the varint of an unsigned value below 2^53. */
export function pushVarint(out: number[], value: number): void {
  while (value > 0x7f) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
}

/** The bytes of a tag. */
export function tagBytes(fieldNumber: number, wireType: number): number[] {
  const out: number[] = [];
  pushVarint(out, fieldNumber * 8 + wireType);
  return out;
}

/** Reads a varint below 2^53 at `pos`: [value, next position]. Throws past the end. */
export function readVarint(buf: Uint8Array, pos: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
    scale *= 128;
  }
  throw new Error('varint too long');
}

/** One top-level field occurrence of an encoded message. */
export interface FieldSpan {
  fieldNumber: number;
  wireType: number;
  /** Offset of the tag. */
  start: number;
  /** Offset of the payload (after the tag, and after the length for wire type 2). */
  valueStart: number;
  /** Offset just past the field (past the end-group tag for groups). */
  end: number;
}

/** Splits a well-formed encoded message into its top-level field occurrences (groups as one span). */
export function scanFields(buf: Uint8Array): FieldSpan[] {
  const spans: FieldSpan[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const start = pos;
    const [tag, afterTag] = readVarint(buf, pos);
    const fieldNumber = Math.floor(tag / 8);
    const wireType = tag % 8;
    let valueStart = afterTag;
    let end: number;
    switch (wireType) {
      case 0:
        end = readVarint(buf, afterTag)[1];
        break;
      case 1:
        end = afterTag + 8;
        break;
      case 2: {
        const [len, p] = readVarint(buf, afterTag);
        valueStart = p;
        end = p + len;
        break;
      }
      case 3:
        end = skipGroup(buf, afterTag, fieldNumber);
        break;
      case 5:
        end = afterTag + 4;
        break;
      default:
        throw new Error(`wire type ${wireType} at ${start}`);
    }
    if (end > buf.length) throw new Error('field past the end');
    spans.push({ fieldNumber, wireType, start, valueStart, end });
    pos = end;
  }
  return spans;
}

function skipGroup(buf: Uint8Array, pos: number, fieldNumber: number): number {
  for (;;) {
    const [tag, p] = readVarint(buf, pos);
    const wt = tag % 8;
    if (wt === 4) {
      if (Math.floor(tag / 8) !== fieldNumber) throw new Error('mismatched end group');
      return p;
    }
    switch (wt) {
      case 0:
        pos = readVarint(buf, p)[1];
        break;
      case 1:
        pos = p + 8;
        break;
      case 2: {
        const [len, q] = readVarint(buf, p);
        pos = q + len;
        break;
      }
      case 3:
        pos = skipGroup(buf, p, Math.floor(tag / 8));
        break;
      case 5:
        pos = p + 4;
        break;
      default:
        throw new Error(`wire type ${wt}`);
    }
  }
}

/** Concatenates byte chunks. */
export function concat(chunks: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** A length-delimited field: tag, length, payload. */
export function lengthDelimited(fieldNumber: number, payload: Uint8Array): Uint8Array {
  const head = tagBytes(fieldNumber, 2);
  pushVarint(head, payload.length);
  return concat([head, payload]);
}

/** Hex of bytes, for failure messages. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
