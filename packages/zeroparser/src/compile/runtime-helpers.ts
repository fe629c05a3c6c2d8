import { nestFault, WireFault } from '../wire/fault.js';
import { readTag, skipField } from '../wire/skip.js';
import { findInvalidUtf8 } from '../wire/utf8.js';
import { cursor, readLength, readVarint32, readVarint64 } from '../wire/varint.js';

const WIRE_NAMES = ['varint', 'fixed64', 'length-delimited', 'start-group', 'end-group', 'fixed32', '6', '7'];

/**
 * What generated decoders call: the slow paths (long varints, unknown fields) and the constructors of
 * faults, kept out of the generated code so it stays small enough for V8 to optimise well.
 */
export const runtimeHelpers = {
  cursor,
  readVarint32,
  readVarint64,
  readLength,
  readTag,
  nestFault,
  /** `TypedArray.prototype.buffer`'s getter: called directly, not looked up per record. */
  bufferOf: Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer')!.get as (
    this: Uint8Array,
  ) => ArrayBufferLike,

  /** Skips an unknown field whose tag starts at `tagOffset`, refusing field number 0. */
  skipUnknown(
    buf: Uint8Array,
    pos: number,
    end: number,
    tag: number,
    depthLeft: number,
    tagOffset: number,
  ): number {
    if (tag >>> 3 === 0) throw new WireFault('INVALID_WIRE_TYPE', tagOffset, 'a tag has field number 0');
    return skipField(buf, pos, end, tag, depthLeft, tagOffset);
  },

  /** Throws `INVALID_UTF8` unless `buf[from..to)` is well-formed UTF-8. */
  checkUtf8(buf: Uint8Array, from: number, to: number): void {
    const bad = findInvalidUtf8(buf, from, to);
    if (bad >= 0) {
      throw new WireFault(
        'INVALID_UTF8',
        bad,
        `a string holds invalid UTF-8 (byte 0x${buf[bad]!.toString(16).padStart(2, '0')})`,
      );
    }
  },

  /** `size` 0: inside a varint; 4 or 8: inside a fixed value. */
  truncated(pos: number, size: number): WireFault {
    const what = size === 0 ? 'a varint' : `a ${size * 8}-bit fixed value`;
    return new WireFault('TRUNCATED', pos, `the message ends inside ${what}`);
  },

  /** A value that does not fit its narrow table column (`short`, `byte`). */
  outOfRange(tagOffset: number, value: number, min: number, max: number): WireFault {
    return new WireFault('OUT_OF_RANGE', tagOffset, `${value} does not fit the column (${min} to ${max})`);
  },

  varintTooLong(start: number): WireFault {
    return new WireFault('VARINT_TOO_LONG', start, 'a varint runs past 10 bytes');
  },

  fieldZero(tagOffset: number): WireFault {
    return new WireFault('INVALID_WIRE_TYPE', tagOffset, 'a tag has field number 0');
  },

  outOfBounds(pos: number, length: number, left: number): WireFault {
    return new WireFault(
      'LENGTH_OUT_OF_BOUNDS',
      pos,
      `a length of ${length} bytes runs past the end of its message (${left} bytes left)`,
    );
  },

  wireTypeMismatch(tagOffset: number, tag: number, expected: number): WireFault {
    return new WireFault(
      (tag & 7) > 5 ? 'INVALID_WIRE_TYPE' : 'WIRE_TYPE_MISMATCH',
      tagOffset,
      `field ${tag >>> 3} arrived as ${WIRE_NAMES[tag & 7]} but its type is encoded as ${WIRE_NAMES[expected]}`,
    );
  },

  missingRequired(start: number, name: string): WireFault {
    const fault = new WireFault('MISSING_REQUIRED', start, `required field '${name}' is missing`);
    fault.path = name;
    return fault;
  },

  /** `claim` for an inlined list element, then `nestFault` under the list's name and the element's index. */
  nestClaimed(fault: unknown, tag: number, names: readonly string[], list: string, index: number): never {
    if (fault instanceof WireFault && fault.path === null) fault.path = names[tag >>> 3] ?? '';
    return nestFault(fault, list, index);
  },

  /** Names a fault that no inner message claimed after the field being decoded (`""`: the message itself). */
  claim(fault: unknown, tag: number, names: readonly string[]): never {
    if (fault instanceof WireFault && fault.path === null) fault.path = names[tag >>> 3] ?? '';
    throw fault;
  },
};
