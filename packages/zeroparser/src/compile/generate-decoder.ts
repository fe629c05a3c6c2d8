import type { BatchPlan, ColumnPlan, ListPlan, RowGroup, ScalarPlan, StructPlan } from '../arrow/column-plan.js';
import type { ScalarKind } from '../descriptor/model.js';
import { type StoredDefault, toStoredDefault } from './default-values.js';

/**
 * JavaScript source of a decoder specialised to one schema, and the constants it needs.
 *
 * Every message occurrence gets its own function `m<column id>(buf, pos, end, row)` that decodes one message
 * into row `row` of its columns: a loop over tags with a `switch` on the field number (V8 turns the dense
 * field numbers into a jump table), inline one-byte fast paths for varints, lengths and tags, and stores of
 * raw wire bits into typed arrays. Column arrays live in closure variables (`W3`, `B3`, …) that are re-bound
 * when a row group grows. The source is evaluated once per schema with `new Function`.
 */
export interface GeneratedDecoder {
  readonly source: string;
  /** Default bytes of string/binary columns, by column id. */
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

/** Reads of one value into `x` (and `y`, the high half of 64-bit values), bounded by the end variable `E`. */
function readValue(kind: ScalarKind, E: string): string {
  switch (WIRE[kind]) {
    case 1:
      return `if (${E} - pos < 8) throw trunc(pos, 8);
        x = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24);
        y = buf[pos + 4] | (buf[pos + 5] << 8) | (buf[pos + 6] << 16) | (buf[pos + 7] << 24); pos += 8;`;
    case 5:
      return `if (${E} - pos < 4) throw trunc(pos, 4);
        x = buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24); pos += 4;`;
    case 2:
      return readLength(E);
    default:
      if (is64(kind) || kind === 'bool') {
        return `if (pos < ${E} && (x = buf[pos]) < 128) { pos++; y = 0; } else { x = rv64(buf, pos, ${E}); y = P.hi; pos = P.pos; }`;
      }
      return `if (pos < ${E} && (x = buf[pos]) < 128) pos++; else { x = rv32(buf, pos, ${E}); pos = P.pos; }`;
  }
}

/** Reads a length prefix into `x` and checks it fits before `E`. */
function readLength(E: string): string {
  return `if (pos < ${E} && (x = buf[pos]) < 128) { pos++; if (x > ${E} - pos) throw oob(pos - 1, x, ${E} - pos); }
        else { x = rlen(buf, pos, ${E}); pos = P.pos; }`;
}

function is64(kind: ScalarKind): boolean {
  return kind === 'int64' || kind === 'uint64' || kind === 'sint64' || kind === 'fixed64' || kind === 'sfixed64' || kind === 'double';
}

/** Wire-to-stored conversions that are not the identity (zigzag, bool). */
function convert(kind: ScalarKind): string {
  if (kind === 'sint32') return 'x = (x >>> 1) ^ -(x & 1);';
  if (kind === 'sint64') return 'i = -(x & 1); x = ((x >>> 1) | (y << 31)) ^ i; y = (y >>> 1) ^ i;';
  if (kind === 'bool') return 'x = x | y;';
  return '';
}

/** Generates the decoder source for a plan. `recursionLimit` bounds the nesting of skipped groups. */
export function generateDecoder(plan: BatchPlan, recursionLimit: number): GeneratedDecoder {
  const byteDefaults = new Map<number, Uint8Array>();
  const depthOf = new Map<number, number>();
  const functions: string[] = [];
  const names: string[] = [];

  const emitMessage = (struct: StructPlan, depth: number): void => {
    depthOf.set(struct.id, depth);
    const locals = ['rb = row >>> 3', 'rm = 1 << (row & 7)', 'tag = 0', 't = 0', 'tp = 0', 'x = 0', 'y = 0', 'i = 0', 'j = 0', 'start = pos'];
    const cases: string[] = [];
    const epilogue: string[] = [];
    const seenBits = new Map<number, number>();
    const fieldNames: string[] = [];
    struct.message.fields.forEach((model, index) => {
      const column = struct.children[index]!;
      fieldNames[model.number] = JSON.stringify(model.name);
      const tracked = model.cardinality === 'singular' && (model.presence === 'required' || (model.defaultValue !== undefined && model.oneof === undefined));
      if (tracked) seenBits.set(index, seenBits.size);
      const seen = tracked ? seenFlag(seenBits.get(index)!) : '';
      const oneofClear = model.oneof === undefined ? '' : clearOtherMembers(struct, index);
      let body: string;
      if (column.kind === 'scalar') {
        body = singularScalar(column, seen + oneofClear);
      } else if (column.kind === 'struct') {
        body = `${expectWire(2)} ${readLength('end')} j = pos + x; ${validity(column, 'rb', 'rm')} ${seen}${oneofClear}
        try { m${column.id}(buf, pos, j, row); } catch (f) { nest(f, ${JSON.stringify(model.name)}, -1); }
        pos = j;`;
        emitMessage(column, depth + 1);
      } else {
        locals.push(`st${column.id} = K${column.element.group.id}`);
        epilogue.push(`O${column.id}[row + 1] = K${column.element.group.id};`);
        body = column.element.kind === 'scalar' ? repeatedScalar(column.element) : repeatedMessage(column, column.element as StructPlan, model.name);
        if (column.element.kind === 'struct') emitMessage(column.element, depth + 1);
      }
      cases.push(`case ${model.number}: ${body} continue;`);
      if (tracked) epilogue.unshift(presenceCheck(column, model.presence === 'required', seenBits.get(index)!, byteDefaults));
    });
    for (let word = 0; word * 31 < seenBits.size; word++) locals.push(`s${word} = 0`);
    names.push(`var N${struct.id} = [${fieldNames.map((n) => n ?? '').join(',')}];`);
    functions.push(`function m${struct.id}(buf, pos, end, row) {
  var ${locals.join(', ')};
  try {
    while (pos < end) {
      tag = 0;
      tp = pos;
      t = buf[pos++];
      if (t > 127) {
        if (pos < end && (x = buf[pos]) < 128) { t = (t & 127) | (x << 7); pos++; }
        else { t = rtag(buf, pos - 1, end); pos = P.pos; }
      }
      tag = t;
      switch (t >>> 3) {
        ${cases.join('\n        ')}
        default: pos = unk(buf, pos, end, t, ${recursionLimit - depth});
      }
    }
  } catch (f) { claim(f, tag, N${struct.id}); }
  ${epilogue.join('\n  ')}
}`);
  };

  emitMessage(plan.root, 0);
  const vars = plan.columns.flatMap(columnVars);
  const counts = plan.groups.slice(1).flatMap((g) => [`K${g.id} = 0`, `C${g.id} = 0`]);
  const source = `"use strict";
var P = H.cursor, rv32 = H.readVarint32, rv64 = H.readVarint64, rlen = H.readLength, rtag = H.readTag,
  unk = H.skipUnknown, utf = H.checkUtf8, trunc = H.truncated, oob = H.outOfBounds, mis = H.wireTypeMismatch,
  claim = H.claim, nest = H.nestFault, missing = H.missingRequired;
var GS = null, REC = 0${vars.length ? `, ${vars.join(', ')}` : ''}${counts.length ? `, ${counts.join(', ')}` : ''};
${names.join('\n')}
${plan.groups.map(bindFunction).join('\n')}
${plan.groups.slice(1).map((g) => `function grow${g.id}(rows) { GS[${g.id}].grow(rows); bind${g.id}(); }`).join('\n')}
${functions.join('\n')}
return {
  begin: function (groups) { GS = groups; ${plan.groups.map((g) => `bind${g.id}();`).join(' ')} ${plan.groups
    .slice(1)
    .map((g) => `K${g.id} = 0;`)
    .join(' ')} },
  record: function (buf, rec, row) { REC = rec; m${plan.root.id}(buf, 0, buf.length, row); },
  counts: function (out) { ${plan.groups.slice(1).map((g) => `out[${g.id}] = K${g.id};`).join(' ')} },
  restore: function (counts) { ${plan.groups.slice(1).map((g) => `K${g.id} = counts[${g.id}];`).join(' ')} },
  end: function () { GS = null; ${plan.columns.flatMap(columnVars).map((v) => `${v.split(' ')[0]} = null;`).join(' ')} }
};`;
  return { source, byteDefaults };

  function presenceCheck(column: ColumnPlan, required: boolean, bit: number, defaults: Map<number, Uint8Array>): string {
    const test = `(s${Math.floor(bit / 31)} & ${1 << bit % 31}) === 0`;
    if (required) return `if (${test}) throw missing(start, ${JSON.stringify(column.field.name)});`;
    const scalar = column as ScalarPlan;
    const value = toStoredDefault(scalar.model, scalar.path);
    return `if (${test}) { ${storeDefault(scalar, value, defaults)} }`;
  }
}

function seenFlag(bit: number): string {
  return `s${Math.floor(bit / 31)} |= ${1 << bit % 31}; `;
}

function expectWire(wire: number): string {
  return `if ((t & 7) !== ${wire}) throw mis(tp, t, ${wire});`;
}

function validity(column: ColumnPlan, byte: string, mask: string): string {
  if (!column.field.nullable) return '';
  const bitmap = column.kind === 'scalar' && column.storage === 'bool' ? 'V' : 'B';
  return `${bitmap}${column.id}[${byte}] |= ${mask};`;
}

function clearOtherMembers(struct: StructPlan, index: number): string {
  const oneof = struct.message.fields[index]!.oneof;
  return struct.message.fields
    .map((f, i) => (i !== index && f.oneof === oneof ? struct.children[i]! : undefined))
    .filter((c): c is ColumnPlan => c !== undefined)
    .map((c) => `${c.kind === 'scalar' && c.storage === 'bool' ? 'V' : 'B'}${c.id}[rb] &= ~rm;`)
    .join(' ');
}

/** Stores `x`/`y` (already converted) into row `row` of a scalar column. */
function store(column: ScalarPlan, row: string, singular: boolean): string {
  const id = column.id;
  switch (column.storage) {
    case 'w32':
      return `W${id}[${row}] = x;`;
    case 'w64':
      return `W${id}[${row} << 1] = x; W${id}[(${row} << 1) | 1] = y;`;
    case 'bool':
      return singular
        ? `if (x !== 0) B${id}[rb] |= rm; else B${id}[rb] &= ~rm;`
        : `if (x !== 0) B${id}[${row} >>> 3] |= 1 << (${row} & 7);`;
    case 'bytes': {
      const check =
        column.scalar === 'string' ? 'for (i = pos, j = pos + x; i < j; i++) if (buf[i] > 127) { utf(buf, i, j); break; }' : '';
      return `${check} R${id}[${row}] = REC; S${id}[${row}] = pos; L${id}[${row}] = x; pos += x;`;
    }
  }
}

function singularScalar(column: ScalarPlan, extra: string): string {
  const kind = column.scalar;
  return `${expectWire(WIRE[kind])} ${readValue(kind, 'end')} ${convert(kind)} ${store(column, 'row', true)} ${validity(column, 'rb', 'rm')} ${extra}`;
}

function repeatedScalar(element: ScalarPlan): string {
  const kind = element.scalar;
  const g = element.group.id;
  const single = `if (K${g} >= C${g}) grow${g}(K${g} + 1);
        ${readValue(kind, 'end')} ${convert(kind)} ${store(element, `K${g}`, false)} K${g}++;`;
  if (WIRE[kind] === 2) return `${expectWire(2)} ${single}`;
  // Packed: at most one element per byte (varints), per 4 or 8 bytes (fixed).
  const most = WIRE[kind] === 0 ? 'x' : WIRE[kind] === 5 ? '(x >>> 2)' : '(x >>> 3)';
  return `if ((t & 7) === 2) {
        ${readLength('end')} j = pos + x;
        if (K${g} + ${most} > C${g}) grow${g}(K${g} + ${most});
        while (pos < j) { ${readValue(kind, 'j')} ${convert(kind)} ${store(element, `K${g}`, false)} K${g}++; }
      } else { ${expectWire(WIRE[kind])} ${single} }`;
}

function repeatedMessage(list: ListPlan, element: StructPlan, name: string): string {
  const g = element.group.id;
  return `${expectWire(2)} ${readLength('end')} j = pos + x;
        if (K${g} >= C${g}) grow${g}(K${g} + 1);
        try { m${element.id}(buf, pos, j, K${g}); } catch (f) { nest(f, ${JSON.stringify(name)}, K${g} - st${list.id}); }
        K${g}++; pos = j;`;
}

function storeDefault(column: ScalarPlan, value: StoredDefault, defaults: Map<number, Uint8Array>): string {
  const id = column.id;
  if (value.kind === 'bool') return value.value ? `B${id}[rb] |= rm;` : '';
  if (value.kind === 'bytes') {
    defaults.set(id, value.bytes);
    return `R${id}[row] = -1; S${id}[row] = 0; L${id}[row] = ${value.bytes.length};`;
  }
  if (column.storage === 'w64') return `W${id}[row << 1] = ${value.words[0]}; W${id}[(row << 1) | 1] = ${value.words[1]};`;
  return `W${id}[row] = ${value.words[0]};`;
}

/** Closure variables holding a column's arrays. */
function columnVars(column: ColumnPlan): string[] {
  const id = column.id;
  const vars: string[] = [];
  if (column.kind === 'scalar') {
    if (column.storage === 'w32' || column.storage === 'w64') vars.push(`W${id} = null`);
    if (column.storage === 'bytes') vars.push(`R${id} = null`, `S${id} = null`, `L${id} = null`);
    if (column.storage === 'bool' && column.field.nullable) vars.push(`V${id} = null`);
  }
  if (column.kind === 'list' || column.kind === 'map') vars.push(`O${id} = null`);
  if (column.field.nullable || (column.kind === 'scalar' && column.storage === 'bool')) vars.push(`B${id} = null`);
  return vars;
}

/** `bind<g>()` loads a row group's arrays into the closure variables after allocation or growth. */
function bindFunction(group: RowGroup): string {
  const lines = group.columns.map((column, index) => {
    const s = `s[${index}]`;
    return columnVars(column)
      .map((v) => v.split(' ')[0]!)
      .map((v) => {
        const array = { W: 'words', B: 'bits', V: 'validity', R: 'record', S: 'start', L: 'length', O: 'offsets' }[v[0] as 'W'];
        return `${v} = ${s}.${array};`;
      })
      .join(' ');
  });
  const capacity = group.id === 0 ? '' : `C${group.id} = GS[${group.id}].capacity;`;
  return `function bind${group.id}() { var s = GS[${group.id}].stores; ${lines.join(' ')} ${capacity} }`;
}
