import type { BatchPlan, ColumnPlan, ListPlan, ScalarPlan, StructPlan } from '../arrow/column-plan.js';
import { bitmapStride, type ColumnSlots, layoutGroup, TILE_ROWS, wordStride } from '../arrow/group-layout.js';
import { needsPresenceCheck, type ScalarKind } from '../descriptor/model.js';
import { type StoredDefault, toStoredDefault } from './default-values.js';

/**
 * JavaScript source of a decoder specialised to one schema, and the constants it needs.
 *
 * Every message occurrence gets its own function `m<column id>(pos, end, row)` that decodes one message
 * into row `row` of its row group, reading `buf[pos, end)`: `buf` is the input arena the records are copied
 * into (`RecordArena`), a constant of the generated code like the tile, so TurboFan embeds its address and
 * length instead of checking a parameter's map and reloading its length and data pointer at every read. Fields are first tried in declaration order, one compare of the tag's
 * undecoded bytes each (the order encoders write; see `loadTagWord`), and otherwise dispatched by a `switch`
 * on the field number. Varints, lengths and tags have inline one-byte fast paths, fixed-width values and
 * string bytes are read through a DataView of the input arena (`dv`); values are stored as raw wire bits into
 * the row group's arena (`A[slot * S + row]`, see `layoutGroup`), held in locals. The source is evaluated once
 * per schema and input arena with `new Function('H', 'X', 'T', 'I', source)`: `H` the runtime helpers, `X` the
 * default bytes of string columns, `T` the top-level tile (the `GroupStore` of `TILE_ROWS` rows that `begin`
 * must be given first), `I` the input arena's bytes (records are decoded at offsets into it, `recordAt`).
 */
export interface GeneratedDecoder {
  readonly source: string;
  /** Default bytes of string/binary columns, by column id: the generated code's `X`. */
  readonly byteDefaults: ReadonlyMap<number, Uint8Array>;
}

const WIRE: Record<ScalarKind, number> = {
  double: 1,
  float: 5,
  int32: 0,
  int64: 0,
  uint32: 0,
  uint64: 0,
  sint32: 0,
  sint64: 0,
  fixed32: 5,
  fixed64: 1,
  sfixed32: 5,
  sfixed64: 1,
  bool: 0,
  string: 2,
  bytes: 2,
  enum: 0,
};

/*
 * Slow paths are inlined, not called: a call that returns into the decoding loop makes TurboFan forget what
 * it had checked about the arena arrays, and every later store then re-checks the array's map, length and
 * base (measured: ~1.4× slower on the NEOWISE-like record). Only paths that end in a throw call helpers.
 */

/**
 * Inline varint read into `x` (low 32 bits) bounded by `E`, using `i`/`y` as scratch; `start` names the
 * variable holding its offset. Scratch registers by role: `j` ends a packed run or a string, `q` starts a
 * varint, `i`/`y`/`u` are free within one read or store.
 */
function varint32(E: string, start: string): string {
  return `x = 0; i = 0; do { if (pos >= ${E}) throw trunc(pos, 0); y = buf[pos++]; if (i < 32) x |= (y & 127) << i; i += 7; } while (y > 127 && i < 70);
        if (y > 127) throw long(${start});`;
}

/**
 * Where slow paths go: `inline` in small messages (their few fields make the code cheap, and no call breaks
 * TurboFan's check elimination), `call` in wide ones, whose function would otherwise pass TurboFan's bytecode
 * size limit and never be optimised (measured: a 105-field ClickBench record at 37 MB/s when inlined).
 */
type SlowPaths = 'inline' | 'call';

/** In-order steps past which a message's chain is cut into chunk functions of `CHUNK_STEPS`. */
const CHUNK_ABOVE_STEPS = 96;
const CHUNK_STEPS = 48;

/**
 * First statement of every decode function: its arguments are small integers, and saying so once spares
 * TurboFan a tag check and an untagging at each of their uses (seen in the machine code: per field).
 */
const INT32_ARGUMENTS = 'pos = pos | 0; end = end | 0; row = row | 0;';

/** Messages with at most this many fields get inline slow paths. */
const INLINE_SLOW_PATH_FIELDS = 16;

/**
 * Decodes the tag at `tp` into `t` (and `tag`, which names the field if decoding it fails), `pos` after it:
 * what a message's loop does with a tag its in-order chain did not expect.
 */
function decodeTag(slow: SlowPaths): string {
  const rest =
    slow === 'inline'
      ? `pos = tp; ${varint32('end', 'tp')} t = x; if (t >>> 3 === 0) throw zero(tp);`
      : 't = rtag(buf, tp, end); pos = P.pos;';
  return `tag = 0; pos = tp; t = buf[pos++];
      if (t > 127) {
        if (pos < end && (x = buf[pos]) < 128) { t = (t & 127) | (x << 7); pos++; }
        else { ${rest} }
      }
      tag = t;`;
}

/**
 * The in-order chain compares tags undecoded: `w` holds the two bytes at the tag's offset `tp` (one byte, the
 * high one zero, when only one is left before `end`), and a step matches its expected tag's own encoding, one
 * byte or two. Tags of three bytes or more (field numbers from 2048) are left to the out-of-order switch.
 */
function loadTagWord(): string {
  return 'tp = pos; w = pos < end - 1 ? dv.getUint16(pos, true) : buf[pos];';
}

/** The test that the undecoded tag word `w` starts with `tag` (see `loadTagWord`), or undefined past 2 bytes. */
function tagMatch(tag: number): string | undefined {
  if (tag < 0x80) return `(w & 255) === ${tag}`;
  if (tag < 0x4000) return `w === ${(tag & 0x7f) | 0x80 | ((tag >>> 7) << 8)}`;
  return undefined;
}

/** Bytes of a tag's varint encoding. */
function tagBytes(tag: number): number {
  return tag < 0x80 ? 1 : 2;
}

/**
 * One way a field can arrive: its wire type and the code that decodes it (`repeats`: may come again).
 * `fast` is the code the in-order chain runs instead, whose fixed-width and one-byte varint reads skip their
 * bounds check: they may read up to `overrun` bytes past the message end (0: one byte of a varint), which
 * the chain's end-of-message test catches right after the value (see `afterStep`). The chain gives it the
 * value's first byte when it already holds it (`w >>> 8` after a one-byte tag), else undefined.
 */
interface Alternative {
  readonly wire: number;
  readonly repeats: boolean;
  readonly code: string;
  readonly fast?: (firstByte: string | undefined) => string;
  readonly overrun?: number | undefined;
}

/**
 * What the in-order chain runs after a field's value: stop at the message end, else load the next tag word
 * (see `loadTagWord`). A read whose bounds check was deferred (`overrun`) ran past the end exactly when
 * `pos > end`: that is the TRUNCATED fault the checked read would have thrown, with the same offset (a fixed
 * value's start; for a varint, the end). The value stored meanwhile belongs to a record that fails, whose row
 * is undone. Reads past the end stay inside the input arena: `RecordArena` leaves `PADDING` bytes after every
 * record.
 */
function afterStep(scan: string, overrun: number | undefined): string {
  const truncated =
    overrun === undefined
      ? ''
      : `if (pos > end) throw trunc(${overrun === 0 ? 'end' : `pos - ${overrun}`}, ${overrun}); `;
  return `if (pos >= end - 1) { ${truncated}if (pos === end) break ${scan}; tp = pos; w = buf[pos]; }
      else { tp = pos; w = dv.getUint16(pos, true); }`;
}

/**
 * Bytes the input arena holds past a record's end for the chain's unchecked reads (a two-byte tag, then an
 * eight-byte value, read from just before the end).
 */
export const PADDING = 16;

/**
 * How generated code reaches a row group's arena: the message's own group through locals loaded at entry
 * (`A`, `S`, `M`, `SB`), another group (list elements) through its closure variables, re-read after growth.
 */
interface Arena {
  readonly words: string;
  /** A variable's name, or a number when the stride is fixed (the top-level tile). */
  readonly stride: string | number;
  readonly bitmaps: string;
  readonly bitStride: string | number;
}

/** The presence words (by word slot) that a function's in-order chain sets bits of, in its own group. */
interface PresenceScope {
  readonly group: number;
  readonly words: Set<number>;
}

const LOCAL: Arena = { words: 'A', stride: 'S', bitmaps: 'M', bitStride: 'SB' };
/** The top-level row group is always decoded into a tile of `TILE_ROWS` rows: constant strides. */
const TILE: Arena = {
  words: 'A',
  stride: wordStride(TILE_ROWS),
  bitmaps: 'M',
  bitStride: bitmapStride(TILE_ROWS),
};
/** The arena of a message's own row group, as its decode function sees it. */
const ownArena = (group: number): Arena => (group === 0 ? TILE : LOCAL);

/** `slot * stride`, folded to a constant when the stride is one. */
const slotStart = (slot: number, stride: string | number): string =>
  typeof stride === 'number' ? `${slot * stride}` : `${slot} * ${stride}`;
const groupArena = (g: number): Arena => ({
  words: `A${g}`,
  stride: `S${g}`,
  bitmaps: `M${g}`,
  bitStride: `SB${g}`,
});

/** Generates the decoder source for a plan. `recursionLimit` bounds the nesting of skipped groups. */
export function generateDecoder(plan: BatchPlan, recursionLimit: number): GeneratedDecoder {
  const byteDefaults = new Map<number, Uint8Array>();
  /** Slow-path placement of the message being generated (see `SlowPaths`). */
  let slow: SlowPaths = 'inline';
  const slots = new Map<number, ColumnSlots>();
  for (const group of plan.groups) for (const [id, slot] of layoutGroup(group).slots) slots.set(id, slot);
  const slotOf = (column: ColumnPlan): ColumnSlots => slots.get(column.id)!;
  const functions: string[] = [];
  const names: string[] = [];
  /** `ST<list id>`: the list's element count when its message started (for `aperture[3]` in errors). */
  const listStarts: string[] = [];
  /**
   * Where presence bits go while code is generated: into locals `p<group>_<slot>` of the function being
   * written (the in-order chain), which it stores at its exits (`storePresence`), or, outside a scope (the
   * out-of-order `switch`), straight into the row's presence word.
   */
  let scope: PresenceScope | undefined;
  const inScope = <T>(next: PresenceScope | undefined, generate: () => T): T => {
    const saved = scope;
    scope = next;
    try {
      return generate();
    } finally {
      scope = saved;
    }
  };
  const presenceLocal = (g: number, slot: number): string => `p${g}_${slot}`;
  /** The row's presence word of `slot` in its own group's arena (`A`, or the tile). */
  const presenceWord = (g: number, slot: number): string => word(ownArena(g), slot, 'row');
  /** Stores a function's presence locals into the row's words (OR: other functions set bits there too). */
  const storePresence = (own: PresenceScope, code: string): string =>
    [...own.words]
      .filter((slot) => code.includes(presenceLocal(own.group, slot)))
      .map((slot) => `${presenceWord(own.group, slot)} |= ${presenceLocal(own.group, slot)};`)
      .join(' ');
  const presenceDeclarations = (own: PresenceScope, code: string): string[] =>
    [...own.words]
      .filter((slot) => code.includes(presenceLocal(own.group, slot)))
      .map((slot) => `${presenceLocal(own.group, slot)} = 0`);

  /** `arena[slot * stride + row]`: one row of a word slot. */
  const word = (arena: Arena, slot: number, row: string): string =>
    `${arena.words}[${slot} * ${arena.stride} + ${row}]`;
  /** The bitmap byte holding `row`, and the bit. */
  const bitByte = (arena: Arena, slot: number, row: string): string =>
    `${arena.bitmaps}[${slotStart(slot, arena.bitStride)} + (${row} >>> 3)]`;
  /** The bitmap byte of the current row (`rb`) in the message's own group. */
  const rowBit = (column: ColumnPlan, slot: number): string =>
    `M[${slotStart(slot, ownArena(column.group.id).bitStride)} + rb]`;

  /** Stores `x`/`y` (already converted) into row `row` of a scalar column. */
  const store = (column: ScalarPlan, arena: Arena, row: string, singular: boolean): string => {
    const slot = slotOf(column);
    switch (column.storage) {
      case 'w32': {
        const range = column.range
          ? `if (x < ${column.range[0]} || x > ${column.range[1]}) throw range(tp, x, ${column.range[0]}, ${column.range[1]}); `
          : '';
        return `${range}${word(arena, slot.words, row)} = x;`;
      }
      case 'w64':
        return `i = ${slotStart(slot.words, arena.stride)} + (${row} << 1); ${arena.words}[i] = x; ${arena.words}[i + 1] = y;`;
      case 'bool':
        return singular
          ? `if (x !== 0) ${bitByte(arena, slot.bits, row)} |= rm; else ${bitByte(arena, slot.bits, row)} &= ~rm;`
          : `if (x !== 0) ${bitByte(arena, slot.bits, row)} |= 1 << (${row} & 7);`;
      case 'bytes': {
        const id = column.id;
        // Copy the value into the column's buffer while the bytes are hot, eight bytes a step through DataViews,
        // OR-ing them together: only a value with a byte over 0x7F needs the full UTF-8 check. In a lazy batch
        // (\`lazy\`) the check is left to one pass over the column's bytes at the end (\`HI<id>\` says it is
        // needed), unless the value starts with a continuation byte: the whole column can be valid UTF-8 then
        // while this value is not (see \`utf8-columns.ts\`).
        const utf8 =
          column.scalar === 'string'
            ? ` if ((u & 0x80808080) !== 0) { if (LAZY === 0 || (buf[j - x] & 0xc0) === 0x80) utf(buf, j - x, j); else HI${id} = 1; }`
            : '';
        // No growth check here: \`recordAt\` reserved room for a whole record's bytes (a value cannot be longer).
        // Eight bytes a step, then four, then single bytes.
        return `i = DP${id}; d = D${id}; dd = DD${id};
        ${word(arena, slot.start, row)} = i; ${word(arena, slot.length, row)} = x; DP${id} = i + x; j = pos + x; u = 0;
        for (; pos + 8 <= j; pos += 8, i += 8) { y = dv.getInt32(pos, true); u |= y; dd.setInt32(i, y, true); y = dv.getInt32(pos + 4, true); u |= y; dd.setInt32(i + 4, y, true); }
        if (pos + 4 <= j) { y = dv.getInt32(pos, true); u |= y; dd.setInt32(i, y, true); pos += 4; i += 4; }
        while (pos < j) { y = buf[pos++]; u |= y; d[i++] = y; }${utf8}`;
      }
    }
  };

  /** Marks `row` present in a nullable column (own group): a bit of a presence local, or of the word. */
  const setValid = (column: ColumnPlan): string => {
    if (!column.field.nullable) return '';
    const slot = slotOf(column);
    const g = column.group.id;
    const mask = 1 << slot.presenceBit;
    if (scope?.group === g) {
      scope.words.add(slot.presence);
      return `${presenceLocal(g, slot.presence)} |= ${mask};`;
    }
    return `${presenceWord(g, slot.presence)} |= ${mask};`;
  };

  /** A oneof member arrived: the other members become absent (in the word: set by earlier pieces too). */
  const clearOtherMembers = (struct: StructPlan, index: number): string => {
    const oneof = struct.message.fields[index]!.oneof;
    return struct.message.fields
      .map((f, i) => (i !== index && f.oneof === oneof ? struct.children[i]! : undefined))
      .filter((c): c is ColumnPlan => c !== undefined)
      .map((c) => {
        const slot = slotOf(c);
        const g = c.group.id;
        const keep = ~(1 << slot.presenceBit);
        const local =
          scope?.group === g && scope.words.has(slot.presence)
            ? ` ${presenceLocal(g, slot.presence)} &= ${keep};`
            : '';
        return `${presenceWord(g, slot.presence)} &= ${keep};${local}`;
      })
      .join(' ');
  };

  const repeatedScalar = (element: ScalarPlan): Alternative[] => {
    const kind = element.scalar;
    const g = element.group.id;
    const arena = groupArena(g);
    const single = (checked: boolean, firstByte?: string) => `if (K${g} >= C${g}) grow${g}(K${g} + 1);
        ${readValue(kind, 'end', slow, checked, firstByte)} ${convert(kind)} ${store(element, arena, `K${g}`, false)} K${g}++;`;
    const overrun = deferrable(element);
    const unpacked: Alternative = {
      wire: WIRE[kind],
      repeats: true,
      code: single(true),
      fast: (firstByte) => single(overrun === undefined, firstByte),
      overrun,
    };
    if (WIRE[kind] === 2) return [unpacked];
    // Packed: at most one element per byte (varints), per 4 or 8 bytes (fixed).
    const most = WIRE[kind] === 0 ? 'x' : WIRE[kind] === 5 ? '(x >>> 2)' : '(x >>> 3)';
    const packed = `${readLength('end', slow)} j = pos + x;
        if (K${g} + ${most} > C${g}) grow${g}(K${g} + ${most});
        while (pos < j) { ${readValue(kind, 'j', slow)} ${convert(kind)} ${store(element, arena, `K${g}`, false)} K${g}++; }`;
    return [{ wire: 2, repeats: false, code: packed }, unpacked];
  };

  const repeatedMessage = (list: ListPlan, element: StructPlan, name: string): string => {
    const g = element.group.id;
    return `${readLength('end', slow)} j = pos + x;
        if (K${g} >= C${g}) grow${g}(K${g} + 1);
        try { m${element.id}(pos, j, K${g});${finalizes(element) ? ` f${element.id}(K${g}, pos);` : ''} }
        catch (f) { nest(f, ${JSON.stringify(name)}, K${g} - ST${list.id}); }
        K${g}++; pos = j;`;
  };

  const storeDefault = (column: ScalarPlan, value: StoredDefault): string => {
    const slot = slotOf(column);
    const arena = ownArena(column.group.id);
    if (value.kind === 'bool') return value.value ? `${rowBit(column, slot.bits)} |= rm;` : '';
    if (value.kind === 'words') {
      return value.words
        .map(
          (w, half) =>
            `${word(arena, slot.words, column.storage === 'w64' ? `(row << 1) + ${half}` : 'row')} = ${w};`,
        )
        .join(' ');
    }
    const id = column.id;
    byteDefaults.set(id, value.bytes);
    const n = value.bytes.length;
    // A default is not part of the record: it takes from the room \`recordAt\` counted on.
    return `i = DP${id}; if (i + ${n} > D${id}.length) gd${id}(i + ${n}); ROOM -= ${n};
      ${word(arena, slot.start, 'row')} = i; ${word(arena, slot.length, 'row')} = ${n}; DP${id} = i + ${n}; D${id}.set(X.get(${id}), i);`;
  };

  const emitMessage = (
    struct: StructPlan,
    depth: number,
    inline?: { name: string; list: ListPlan },
  ): string => {
    const outer = slow;
    slow = struct.children.length <= INLINE_SLOW_PATH_FIELDS ? 'inline' : 'call';
    const g = struct.group.id;
    const locals = [
      `A = A${g}`,
      `S = S${g}`,
      `M = M${g}`,
      `SB = SB${g}`,
      'rb = row >>> 3',
      'rm = 1 << (row & 7)',
      'tag = 0',
      't = 0',
      'tp = 0',
      'x = 0',
      'y = 0',
      'i = 0',
      'j = 0',
      'q = 0',
      'u = 0',
      'd = null',
      'dd = null',
      'w = 0',
    ];
    const cases: string[] = [];
    const inOrder: string[] = [];
    const entry: string[] = [];
    const epilogue: string[] = [];
    const fieldNames: string[] = [];
    // Presence bits set by this function's in-order chain (the out-of-order switch sets them in memory).
    const own: PresenceScope = { group: g, words: new Set() };
    /** A field's code twice: for the switch (checked reads, presence in memory) and for the chain. */
    const twice = (
      code: (checked: boolean, firstByte?: string) => string,
    ): { code: string; chain: (firstByte: string | undefined) => string } => ({
      code: inScope(undefined, () => code(true)),
      chain: (firstByte) => inScope(own, () => code(false, firstByte)),
    });
    struct.message.fields.forEach((model, index) => {
      const column = struct.children[index]!;
      fieldNames[model.number] = JSON.stringify(model.name);
      const seen = needsPresenceCheck(model) ? `${rowBit(column, slotOf(column).seen)} |= rm; ` : '';
      const present = () =>
        `${setValid(column)} ${seen}${model.oneof === undefined ? '' : clearOtherMembers(struct, index)}`;
      let alternatives: Alternative[];
      if (column.kind === 'scalar') {
        const overrun = deferrable(column);
        const { code, chain } = twice(
          (checked, firstByte) =>
            `${readValue(column.scalar, 'end', slow, checked || overrun === undefined, firstByte)} ${convert(column.scalar)} ${store(column, ownArena(struct.group.id), 'row', true)} ${present()}`,
        );
        alternatives = [{ wire: WIRE[column.scalar], repeats: false, code, fast: chain, overrun }];
      } else if (column.kind === 'struct') {
        const { code, chain } = twice(
          () => `${readLength('end', slow)} j = pos + x; ${present()}
        try { m${column.id}(pos, j, row); } catch (f) { nest(f, ${JSON.stringify(model.name)}, -1); }
        pos = j;`,
        );
        alternatives = [{ wire: 2, repeats: false, code, fast: chain }];
        inScope(undefined, () => emitMessage(column, depth + 1));
      } else {
        const elementGroup = column.element.group.id;
        entry.push(`ST${column.id} = K${elementGroup};`);
        listStarts.push(`ST${column.id} = 0`);
        epilogue.push(
          `${word(ownArena(struct.group.id), slotOf(column).offsets, 'row + 1')} = K${elementGroup};`,
        );
        const element = column.element;
        if (element.kind === 'scalar') {
          alternatives = repeatedScalar(element);
        } else {
          const struct = element as StructPlan;
          const code = isLeaf(struct)
            ? `${readLength('end', slow)} if (K${elementGroup} >= C${elementGroup}) grow${elementGroup}(K${elementGroup} + 1);
        ${inScope(undefined, () => emitMessage(struct, depth + 1, { name: model.name, list: column }))} K${elementGroup}++;`
            : repeatedMessage(column, struct, model.name);
          if (!isLeaf(struct)) inScope(undefined, () => emitMessage(struct, depth + 1));
          alternatives = [{ wire: 2, repeats: true, code }];
        }
      }
      const [first, second] = alternatives;
      const dispatch = second
        ? `if ((t & 7) === ${first!.wire}) { ${first!.code} } else { ${expectWire(second.wire)} ${second.code} }`
        : `${expectWire(first!.wire)} ${first!.code}`;
      cases.push(`case ${model.number}: ${dispatch} return pos;`);
      for (const alternative of alternatives) {
        const tag = model.number * 8 + alternative.wire;
        const match = tagMatch(tag);
        if (match === undefined) continue;
        // After a one-byte tag, `w` already holds a varint's first byte.
        const firstByte = tag < 0x80 && alternative.wire === 0 ? 'w >>> 8' : undefined;
        const body = alternative.fast ? alternative.fast(firstByte) : alternative.code;
        const step = `{ tag = ${tag}; pos = tp + ${tagBytes(tag)}; ${body} ${afterStep(`scan${struct.id}`, alternative.overrun)} }`;
        inOrder.push(alternative.repeats ? `while (${match}) ${step}` : `if (${match}) ${step}`);
      }
    });
    names.push(`var N${struct.id} = [${fieldNames.map((n) => n ?? '').join(',')}];`);
    // m<id>: fields in declaration order, one compare of the whole tag each; a field out of order goes to
    // o<id>, a separate function so that m<id> stays small enough for TurboFan to optimise. A very wide
    // message's chain is cut into chunk functions c<id>_<n> (each under the size limit); below that width
    // one function is faster (measured on NEOWISE: 515 vs 445 MB/s cut into chunks of 24).
    const chunked = !inline && inOrder.length > CHUNK_ABOVE_STEPS;
    let chain = inOrder.join('\n      ');
    if (chunked) {
      const calls: string[] = [];
      for (let n = 0; n * CHUNK_STEPS < inOrder.length; n++) {
        const steps = inOrder.slice(n * CHUNK_STEPS, (n + 1) * CHUNK_STEPS).join('\n      ');
        const stored = storePresence(own, steps);
        // A chunk takes the chain's state (`tp`, `w`) and hands it back (`W`, the returned `tp`), or -1 at
        // the message end.
        functions.push(`function c${struct.id}_${n}(end, row, tp, w) {
  end = end | 0; row = row | 0; tp = tp | 0; w = w | 0;
  var ${[...locals.filter((l) => !/^(tp|w) =/.test(l)), ...presenceDeclarations(own, steps)].join(', ')}, pos = tp;
  try {
    scan${struct.id}: {
      if (A.length === 0 || M.length < 0) throw oob(tp, 0, 0);
      ${steps}
      ${stored} W = w; return tp;
    }
  } catch (f) { claim(f, tag, N${struct.id}); }
  ${stored} return -1;
}`);
        calls.push(`tp = c${struct.id}_${n}(end, row, tp, w); if (tp < 0) break; w = W;`);
      }
      chain = calls.join('\n      ');
    }
    // The switch clears other oneof members in the words: the chain's bits must be there first.
    const hasOneof = struct.message.fields.some((f) => f.oneof !== undefined);
    const beforeOutOfOrder = hasOneof
      ? `${storePresence(own, chain)} ${[...own.words]
          .filter((slot) => chain.includes(presenceLocal(g, slot)))
          .map((slot) => `${presenceLocal(g, slot)} = 0;`)
          .join(' ')}`
      : '';
    const outOfOrder = `function o${struct.id}(pos, end, row, t, tp) {
  ${INT32_ARGUMENTS}
  var ${locals.filter((l) => !/^(t|tp|tag) =/.test(l)).join(', ')}, tag = t;
  try {
    switch (t >>> 3) {
      ${cases.join('\n      ')}
      default: return unk(buf, pos, end, t, ${recursionLimit - depth}, tp);
    }
  } catch (f) { claim(f, tag, N${struct.id}); }
}`;
    if (inline) {
      // A small leaf message (a list element) decoded in its parent's loop: a call, a try and a dozen local
      // initialisations per element cost more than decoding its few fields (measured: an Aperture of 5
      // fields at 0.36x a bare wire walk when called). Block-scoped \`let\` shadows the row's names.
      functions.push(outOfOrder);
      const g = struct.group.id;
      const fin = finalizes(struct) ? ` f${struct.id}(row, start);` : '';
      const block = `{ let ${['end = pos + x', 'start = pos', `row = K${g}`, 'rb = row >>> 3', 'rm = 1 << (row & 7)', `A = A${g}`, `S = S${g}`, `M = M${g}`, `SB = SB${g}`, 'tag = 0', 't = 0', 'tp = 0', ...presenceDeclarations(own, chain)].join(', ')};
        try {
          scan${struct.id}: while (pos < end) {
            if (A.length === 0 || M.length < 0) throw oob(pos, 0, 0);
            ${loadTagWord()}
            ${chain}
            ${decodeTag(slow)}
            ${beforeOutOfOrder} pos = o${struct.id}(pos, end, row, t, tp);
          }
          ${storePresence(own, chain)}${fin}
        } catch (f) { nestClaimed(f, tag, N${struct.id}, ${JSON.stringify(inline.name)}, K${g} - ST${inline.list.id}); } }`;
      slow = outer;
      return block;
    }
    functions.push(`function m${struct.id}(pos, end, row) {
  ${INT32_ARGUMENTS}
  var ${[...locals, ...presenceDeclarations(own, chain)].join(', ')};
  ${entry.join(' ')}
  try {
    scan${struct.id}: while (pos < end) {
      // One check of the arena per iteration, dominating every store below (see the note on slow paths).
      if (A.length === 0 || M.length < 0) throw oob(pos, 0, 0);
      ${loadTagWord()}
      ${chain}
      ${decodeTag(slow)}
      ${beforeOutOfOrder} pos = o${struct.id}(pos, end, row, t, tp);
    }
  } catch (f) { claim(f, tag, N${struct.id}); }
  ${storePresence(own, chain)}
  ${epilogue.join('\n  ')}
}
${outOfOrder}`);
    slow = outer;
    return '';
  };

  /**
   * `f<id>(row, at)` runs once a message's row is complete (all its pieces merged): a missing required field
   * fails (`at`: offset to report), an absent field with a default takes it, present sub-messages follow.
   */
  const finalizeMemo = new Map<number, boolean>();
  const finalizes = (struct: StructPlan): boolean => {
    let needed = finalizeMemo.get(struct.id);
    if (needed === undefined) {
      needed = struct.message.fields.some(
        (f, i) =>
          needsPresenceCheck(f) ||
          (f.cardinality === 'singular' &&
            struct.children[i]!.kind === 'struct' &&
            finalizes(struct.children[i] as StructPlan)),
      );
      finalizeMemo.set(struct.id, needed);
    }
    return needed;
  };
  const emitFinalize = (struct: StructPlan): void => {
    const g = struct.group.id;
    const checks = struct.message.fields.map((model, index) => {
      const column = struct.children[index]!;
      const name = JSON.stringify(model.name);
      const lines: string[] = [];
      if (needsPresenceCheck(model)) {
        const absent = `(${rowBit(column, slotOf(column).seen)} & rm) === 0`;
        lines.push(
          model.presence === 'required'
            ? `if (${absent}) throw missing(at, ${name});`
            : `if (${absent}) { ${storeDefault(column as ScalarPlan, toStoredDefault(model, column.path))} }`,
        );
      }
      if (model.cardinality === 'singular' && column.kind === 'struct' && finalizes(column)) {
        const present = column.field.nullable
          ? `(${presenceWord(g, slotOf(column).presence)} & ${1 << slotOf(column).presenceBit}) !== 0`
          : 'true';
        lines.push(`if (${present}) { try { f${column.id}(row, at); } catch (f) { nest(f, ${name}, -1); } }`);
        emitFinalize(column);
      }
      return lines.join(' ');
    });
    functions.push(`function f${struct.id}(row, at) {
  var A = A${g}, S = S${g}, M = M${g}, SB = SB${g}, rb = row >>> 3, rm = 1 << (row & 7), i = 0;
  ${checks.filter((c) => c !== '').join('\n  ')}
}`);
  };
  /** Emits the finalizers of list elements (singular sub-messages are emitted with their parent's). */
  const emitElementFinalizes = (column: ColumnPlan): void => {
    if (column.kind === 'struct') {
      column.children.forEach(emitElementFinalizes);
    } else if (column.kind === 'list' || column.kind === 'map') {
      if (column.element.kind === 'struct' && finalizes(column.element)) emitFinalize(column.element);
      emitElementFinalizes(column.element);
    }
  };

  emitMessage(plan.root, 0);
  if (finalizes(plan.root)) emitFinalize(plan.root);
  emitElementFinalizes(plan.root);
  const bytes = plan.columns.filter((c) => c.kind === 'scalar' && c.storage === 'bytes');
  const groupIds = plan.groups.map((g) => g.id);
  const childIds = groupIds.slice(1);
  const vars = [
    'W = 0',
    'ROOM = 0',
    ...childIds.flatMap((g) => [`A${g} = null`, `S${g} = 0`, `M${g} = null`, `SB${g} = 0`]),
    ...childIds.flatMap((g) => [`K${g} = 0`, `C${g} = 0`]),
    ...bytes.flatMap((c) => [`D${c.id} = null`, `DD${c.id} = null`, `DP${c.id} = 0`, `HI${c.id} = 0`]),
    ...listStarts,
  ];
  const source = `"use strict";
const P = H.cursor, rv32 = H.readVarint32, rv64 = H.readVarint64, rlen = H.readLength, rtag = H.readTag,
  unk = H.skipUnknown, utf = H.checkUtf8, trunc = H.truncated, oob = H.outOfBounds, mis = H.wireTypeMismatch,
  long = H.varintTooLong, zero = H.fieldZero, claim = H.claim, nest = H.nestFault, nestClaimed = H.nestClaimed, range = H.outOfRange,
  missing = H.missingRequired;
// The top-level tile never changes: as constants of a closure created once, TurboFan embeds its arrays in
// the code, with no map check or reload per store (measured: +14% on NEOWISE over variables).
const A0 = T.words, S0 = T.wordStride, M0 = T.bitmaps, SB0 = T.bitmapStride;
// The input arena, constant for the same reason: every record is decoded from it (measured on ClickBench: a
// field's code ~55 instructions instead of ~100, most of them map checks and reloads of a parameter's length).
const buf = I, dv = new DataView(I.buffer, I.byteOffset, I.byteLength);
var LAZY = 0, GS = null, ${vars.join(', ')};
${names.join('\n')}
${childIds.map((g) => `function bind${g}() { var s = GS[${g}]; A${g} = s.words; S${g} = s.wordStride; M${g} = s.bitmaps; SB${g} = s.bitmapStride; C${g} = s.capacity; }`).join('\n')}
${childIds.map((g) => `function grow${g}(rows) { GS[${g}].grow(rows); bind${g}(); }`).join('\n')}
${bytes.map((c) => `function gd${c.id}(size) { D${c.id} = GS[${c.group.id}].growData(${c.id}, DP${c.id}, size); DD${c.id} = viewOf(D${c.id}); }`).join('\n')}
/**
 * Makes room for \`n\` more bytes in every string column, and sets ROOM to the least room any has: a record
 * adds at most its own length to a column (its values are parts of it), so \`recordAt\` checks one number per
 * record instead of every column's room (measured: the checks were ~5% of ClickBench's decoding).
 */
function room(n) {
  ${bytes.map((c) => `if (DP${c.id} + n > D${c.id}.length) gd${c.id}(DP${c.id} + n);`).join('\n  ')}
  ROOM = ${bytes.length > 0 ? `Math.min(${bytes.map((c) => `D${c.id}.length - DP${c.id}`).join(', ')})` : 0};
}
/** A DataView of exactly the bytes of \`d\` (a string column's buffer, written eight bytes a step). */
function viewOf(d) { return new DataView(d.buffer, d.byteOffset, d.byteLength); }
${functions.join('\n')}
return {
  begin: function (groups, lazy) {
    GS = groups; LAZY = lazy ? 1 : 0; ROOM = 0; ${childIds.map((g) => `bind${g}(); K${g} = 0;`).join(' ')}
    ${bytes.map((c) => `D${c.id} = GS[${c.group.id}].data.get(${c.id}); DD${c.id} = viewOf(D${c.id}); DP${c.id} = 0; HI${c.id} = 0;`).join(' ')}
  },
  unchecked: function () { var ids = []; ${bytes.map((c) => `if (HI${c.id} !== 0) ids.push(${c.id});`).join(' ')} return ids; },
  // A record at \`buf[start, start + n)\`, with ${PADDING} bytes of the arena after it (see \`RecordArena\`).
  recordAt: function (start, n, row) {
    ${bytes.length > 0 ? 'if (n > ROOM) room(n); ROOM -= n;' : ''}
    m${plan.root.id}(start, start + n, row);${finalizes(plan.root) ? ` f${plan.root.id}(row, start);` : ''} },
  counts: function (out) { ${childIds.map((g) => `out[${g}] = K${g};`).join(' ')} },
  restore: function (counts) { ${childIds.map((g) => `K${g} = counts[${g}];`).join(' ')} },
  finish: function () { ${bytes.map((c) => `GS[${c.group.id}].dataEnd.set(${c.id}, DP${c.id});`).join(' ')} },
  end: function () { GS = null; ${childIds.map((g) => `A${g} = null; M${g} = null;`).join(' ')} ${bytes.map((c) => `D${c.id} = null; DD${c.id} = null;`).join(' ')} }
};`;
  return { source, byteDefaults };
}

/**
 * Reads of one value into `x` (and `y`, the high half of 64-bit values), bounded by the end variable `E`.
 * Unchecked (`checked` false, only where `afterStep` follows): fixed-width values are read whole through the
 * input arena's DataView (`dv`) and the one-byte varint path does not test `E` first; either may read a few
 * bytes past the end, which the arena's padding after every record keeps inside it. `firstByte`: an expression
 * holding the varint's first byte, when the caller has it.
 */
function readValue(
  kind: ScalarKind,
  E: string,
  slow: SlowPaths,
  checked = true,
  firstByte = 'buf[pos]',
): string {
  const room = (n: number) => (checked ? `if (${E} - pos < ${n}) throw trunc(pos, ${n});\n        ` : '');
  const first = checked ? `pos < ${E} && ` : '';
  switch (WIRE[kind]) {
    case 1:
      return checked
        ? `${room(8)}x = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24);
        y = buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24); pos += 8;`
        : 'x = dv.getInt32(pos, true); y = dv.getInt32(pos + 4, true); pos += 8;';
    case 5:
      return checked
        ? `${room(4)}x = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24); pos += 4;`
        : 'x = dv.getInt32(pos, true); pos += 4;';
    case 2:
      return readLength(E, slow);
    default:
      if (
        (kind === 'int64' || kind === 'uint64' || kind === 'sint64' || kind === 'bool') &&
        slow === 'call'
      ) {
        const call = `x = rv64(buf, pos, ${E}); y = P.hi; pos = P.pos;`;
        return `if (${first}(x = ${firstByte}) < 128) { pos++; y = 0; } else { ${checked ? call : varint64Of5(call)} }`;
      }
      if (slow === 'call') {
        // Two-byte varints (128..16383: counts, widths, small ids) inline as well: a call per such value was
        // ~10% of a wide record's decoding. Unchecked, up to five bytes come from one four-byte read.
        const call = `x = rv32(buf, pos, ${E}); pos = P.pos;`;
        return checked
          ? `if (${first}(x = ${firstByte}) < 128) pos++;
        else if (pos + 1 < ${E} && (u = buf[pos + 1]) < 128) { x = (x & 127) | (u << 7); pos += 2; }
        else { ${call} }`
          : `if ((x = ${firstByte}) < 128) pos++; else { ${varint64Of5(call)} }`;
      }
      if (kind === 'int64' || kind === 'uint64' || kind === 'sint64' || kind === 'bool') {
        const loop = `q = pos; x = 0; y = 0; i = 0;
          do { if (pos >= ${E}) throw trunc(pos, 0); u = buf[pos++];
            if (i < 28) x |= (u & 127) << i; else if (i === 28) { x |= (u & 15) << 28; y = (u & 127) >>> 4; } else y |= (u & 127) << (i - 32);
            i += 7; } while (u > 127 && i < 70);
          if (u > 127) throw long(q);`;
        return `if (${first}(x = ${firstByte}) < 128) { pos++; y = 0; }
        else { ${checked ? loop : varint64Of5(loop)} }`;
      }
      return `if (${first}(x = ${firstByte}) < 128) pos++; else { q = pos; ${varint32(E, 'q')} }`;
  }
}

/**
 * An unchecked 64-bit varint of two to five bytes (its first byte is over 127) from one four-byte read and
 * one byte: the 7-bit groups of the four bytes moved together at once, cut to the varint's length. Int64
 * columns hold values past 2^28 (ids, counters) whose varints take five bytes; longer ones run `slower`.
 * Like the other unchecked reads it may read past the message end, which the chain's `pos > end` catches.
 */
function varint64Of5(slower: string): string {
  return `u = dv.getInt32(pos, true);
        x = (u & 127) | ((u >>> 1) & 0x3f80) | ((u >>> 2) & 0x1fc000) | ((u >>> 3) & 0xfe00000); y = 0;
        if ((u & 0x8000) === 0) { x &= 0x3fff; pos += 2; }
        else if ((u & 0x800000) === 0) { x &= 0x1fffff; pos += 3; }
        else if (u >= 0) pos += 4;
        else if ((j = buf[pos + 4]) < 128) { x |= j << 28; y = j >>> 4; pos += 5; }
        else { ${slower} }`;
}

/**
 * How far an unchecked read of a scalar may run past its message's end (`Alternative.overrun`), or undefined
 * when its reads stay checked: strings and bytes (their length is checked anyway) and range-checked columns,
 * whose check must not see a value read past the end (it would fail first).
 */
function deferrable(column: ScalarPlan): number | undefined {
  const wire = WIRE[column.scalar];
  if (wire === 2 || column.range) return undefined;
  return wire === 1 ? 8 : wire === 5 ? 4 : 0;
}

/** Reads a length prefix into `x` and checks it fits before `E` (`q`: the prefix's offset). */
function readLength(E: string, slow: SlowPaths): string {
  if (slow === 'call') {
    return `if (pos < ${E} && (x = buf[pos]) < 128) { pos++; if (x > ${E} - pos) throw oob(pos - 1, x, ${E} - pos); }
        else if (pos + 1 < ${E} && (u = buf[pos + 1]) < 128) {
          x = (x & 127) | (u << 7); pos += 2; if (x > ${E} - pos) throw oob(pos - 2, x, ${E} - pos); }
        else { x = rlen(buf, pos, ${E}); pos = P.pos; }`;
  }
  return `q = pos; if (pos < ${E} && (x = buf[pos]) < 128) pos++; else { ${varint32(E, 'q')} }
        if (x < 0 || x > ${E} - pos) throw oob(q, x, ${E} - pos);`;
}

/** Wire-to-stored conversions that are not the identity (zigzag, bool). */
function convert(kind: ScalarKind): string {
  if (kind === 'sint32') return 'x = (x >>> 1) ^ -(x & 1);';
  if (kind === 'sint64') return 'i = -(x & 1); x = ((x >>> 1) | (y << 31)) ^ i; y = (y >>> 1) ^ i;';
  if (kind === 'bool') return 'x = x | y;';
  return '';
}

/** A list element message small enough to decode inline in its parent: scalars only, a few of them. */
function isLeaf(struct: StructPlan): boolean {
  return struct.children.length <= 16 && struct.children.every((c) => c.kind === 'scalar');
}

function expectWire(wire: number): string {
  return `if ((t & 7) !== ${wire}) throw mis(tp, t, ${wire});`;
}
