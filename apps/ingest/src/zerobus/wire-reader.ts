import { isUtf8 } from 'node:buffer';
import { IngestError } from '../base/errors.js';

/**
 * A minimal protobuf wire reader for the request messages of the Zerobus service. Requests are decoded by
 * hand (see `decode-request.ts`) so that record bytes stay views into the received buffer and JSON records
 * are checked as strict UTF-8 (protobufjs would silently replace bad bytes with U+FFFD). Malformed wire data
 * throws `IngestError('INVALID_ARGUMENT')`.
 */
export class WireReader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  /** Whether bytes remain before `end`. */
  more(): boolean {
    return this.pos < this.end;
  }

  /** A varint as a number (exact below 2^53; only used for tags, lengths and enums). */
  uint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed('a varint runs past the end of its message');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw malformed('a varint is longer than 10 bytes');
  }

  /** A varint as a signed 64-bit integer (int64 two's complement). */
  int64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed('a varint runs past the end of its message');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    throw malformed('a varint is longer than 10 bytes');
  }

  /** A length-delimited field's bounds, advancing past it. */
  bytes(): Uint8Array {
    const len = this.uint();
    const start = this.pos;
    if (len > this.end - start) throw malformed('a length prefix runs past the end of its message');
    this.pos = start + len;
    return this.buf.subarray(start, start + len);
  }

  /** Skips one field of the given wire type (unknown fields are ignored, as protobuf requires). */
  skip(wireType: number): void {
    switch (wireType) {
      case 0:
        this.uint();
        return;
      case 1:
        this.advance(8);
        return;
      case 2:
        this.bytes();
        return;
      case 5:
        this.advance(4);
        return;
      default:
        throw malformed(`wire type ${wireType} is not supported in a request`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw malformed('a fixed-width value runs past the end of its message');
    this.pos += n;
  }
}

function malformed(what: string): IngestError {
  return new IngestError('INVALID_ARGUMENT', `malformed request: ${what}`);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as strict UTF-8; `what` names the value in the error (`json_record at offset 3`). */
export function utf8(bytes: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw notUtf8(what);
  }
}

/** Throws what `utf8` throws unless `bytes` is strict UTF-8, checked in bulk without making a string. */
export function requireUtf8(bytes: Uint8Array, what: string): void {
  if (!isUtf8(bytes)) throw notUtf8(what);
}

function notUtf8(what: string): IngestError {
  return new IngestError('INVALID_ARGUMENT', `${what} is not valid UTF-8`);
}
