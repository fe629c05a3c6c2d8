import { type Binary, type Data, type Field, makeData, type Utf8 } from 'apache-arrow';
import { base64DecodedLength, decodeBase64Into } from './base64.js';
import { ColumnBuilder, validityProps } from './column-builder.js';
import { growBytes, growInt32 } from './growable.js';

/** The variable-width Arrow types: Int32 offsets into one byte buffer. */
export type BytesType = Utf8 | Binary;

const encoder = new TextEncoder();

/** Strings up to this many UTF-16 units are copied by a JS loop while they are ASCII (no `subarray`). */
const SHORT_STRING = 32;

/**
 * Column builder of Utf8 (JS strings encoded to UTF-8 with `TextEncoder.encodeInto`) and Binary (base64
 * text decoded in place). Row `i` is `bytes[offsets[i] .. offsets[i + 1]]`, so the byte length is always
 * `offsets[length]` and truncating rows truncates bytes too.
 */
export class BytesBuilder extends ColumnBuilder<BytesType> {
  #offsets = new Int32Array(64);
  #bytes = new Uint8Array(1024);

  constructor(field: Field<BytesType>) {
    super(field);
  }

  /** Appends a valid row holding the UTF-8 encoding of `text` (which must be well-formed UTF-16). */
  appendString(text: string): void {
    const start = this.#reserve(text.length * 3);
    const bytes = this.#bytes;
    const n = text.length;
    let end = start;
    if (n <= SHORT_STRING) {
      let i = 0;
      for (; i < n; i++) {
        const code = text.charCodeAt(i);
        if (code >= 0x80) break;
        bytes[end++] = code;
      }
      if (i < n) end += encoder.encodeInto(text.slice(i), bytes.subarray(end)).written;
    } else {
      end += encoder.encodeInto(text, bytes.subarray(start)).written;
    }
    this.#offsets[this.length + 1] = end;
    this.commit(true);
  }

  /**
   * Appends a valid row holding `source[start, end)` as is, copied (the caller keeps `source`). For a Utf8
   * column the caller has checked the bytes are well-formed UTF-8: the JSON byte scanner appends a string's
   * bytes straight from the record, with no JS string in between.
   */
  appendBytes(source: Uint8Array, start: number, end: number): void {
    const at = this.#reserve(end - start);
    const bytes = this.#bytes;
    if (end - start <= SHORT_STRING) {
      for (let i = start, j = at; i < end; i++, j++) bytes[j] = source[i]!;
    } else {
      bytes.set(source.subarray(start, end), at);
    }
    this.#offsets[this.length + 1] = at + end - start;
    this.commit(true);
  }

  /** Appends a valid row holding the bytes `text` encodes in base64; false (nothing appended) when invalid. */
  appendBase64(text: string): boolean {
    const decodedLength = base64DecodedLength(text);
    if (decodedLength < 0) return false;
    const start = this.#reserve(decodedLength);
    if (!decodeBase64Into(text, decodedLength, this.#bytes, start)) return false;
    this.#offsets[this.length + 1] = start + decodedLength;
    this.commit(true);
    return true;
  }

  /** Makes room for the offset of the next row and `byteCount` more bytes; returns where the row starts. */
  #reserve(byteCount: number): number {
    const index = this.length;
    if (index + 1 >= this.#offsets.length) this.#offsets = growInt32(this.#offsets, index + 2);
    const start = this.#offsets[index]!;
    if (start + byteCount > this.#bytes.length) this.#bytes = growBytes(this.#bytes, start + byteCount);
    return start;
  }

  protected writePlaceholder(): void {
    // `#reserve` may replace `#offsets`: call it before reading the field.
    const start = this.#reserve(0);
    this.#offsets[this.length + 1] = start;
  }

  protected buildData(
    length: number,
    nullBitmap: Uint8Array | undefined,
    nullCount: number,
  ): Data<BytesType> {
    const valueOffsets = this.#offsets.subarray(0, length + 1);
    const byteLength = valueOffsets[length]!;
    const data = this.#bytes.subarray(0, byteLength);
    this.#offsets = new Int32Array(Math.max(length + 1, 64));
    this.#bytes = new Uint8Array(Math.max(byteLength, 1024));
    // One representative type for makeData's overloads: Utf8 and Binary are laid out the same way.
    const type = this.field.type as Binary;
    return makeData({
      type,
      length,
      valueOffsets,
      data,
      ...validityProps(nullBitmap, nullCount),
    }) as Data<BytesType>;
  }
}
