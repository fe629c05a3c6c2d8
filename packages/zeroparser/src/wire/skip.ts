import { WireFault } from './fault.js';
import { cursor, readLength, readVarint32 } from './varint.js';

/** Protobuf wire types (encoding spec, "Message Structure"). */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/**
 * Skips the value of an unknown field whose tag has just been read (it started at `tagOffset`; `pos` is just
 * past it); returns the position after the value. Groups are skipped with their nesting, counting each level
 * against `depthLeft`.
 */
export function skipField(
  buf: Uint8Array,
  pos: number,
  end: number,
  tag: number,
  depthLeft: number,
  tagOffset: number,
): number {
  switch (tag & 7) {
    case WireType.VARINT:
      readVarint32(buf, pos, end);
      return cursor.pos;
    case WireType.I64:
      return skipFixed(pos, end, 8);
    case WireType.LEN: {
      const length = readLength(buf, pos, end);
      return cursor.pos + length;
    }
    case WireType.I32:
      return skipFixed(pos, end, 4);
    case WireType.SGROUP:
      return skipGroup(buf, pos, end, tag >>> 3, depthLeft - 1, tagOffset);
    case WireType.EGROUP:
      throw new WireFault(
        'INVALID_WIRE_TYPE',
        tagOffset,
        `an end-group tag for field ${tag >>> 3} closes no group`,
      );
    default:
      throw new WireFault(
        'INVALID_WIRE_TYPE',
        tagOffset,
        `wire type ${tag & 7} does not exist (field ${tag >>> 3})`,
      );
  }
}

/** Reads a tag at `pos`, checking that its field number is valid; `cursor.pos` moves past it. */
export function readTag(buf: Uint8Array, pos: number, end: number): number {
  const tag = readVarint32(buf, pos, end);
  if (tag >>> 3 === 0) throw new WireFault('INVALID_WIRE_TYPE', pos, 'a tag has field number 0');
  return tag;
}

function skipFixed(pos: number, end: number, size: number): number {
  if (end - pos < size) {
    throw new WireFault('TRUNCATED', pos, `the message ends inside a ${size * 8}-bit fixed value`);
  }
  return pos + size;
}

function skipGroup(
  buf: Uint8Array,
  pos: number,
  end: number,
  fieldNumber: number,
  depthLeft: number,
  startOffset: number,
): number {
  if (depthLeft < 0) {
    throw new WireFault(
      'RECURSION_LIMIT',
      startOffset,
      'groups and messages nest deeper than the recursion limit',
    );
  }
  while (pos < end) {
    const tagOffset = pos;
    const tag = readTag(buf, pos, end);
    pos = cursor.pos;
    if ((tag & 7) === WireType.EGROUP) {
      if (tag >>> 3 !== fieldNumber) {
        throw new WireFault(
          'INVALID_WIRE_TYPE',
          tagOffset,
          `an end-group tag for field ${tag >>> 3} closes the group of field ${fieldNumber}`,
        );
      }
      return pos;
    }
    pos = skipField(buf, pos, end, tag, depthLeft, tagOffset);
  }
  throw new WireFault('TRUNCATED', startOffset, `the group of field ${fieldNumber} has no end-group tag`);
}
