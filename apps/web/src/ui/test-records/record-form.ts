import type { DeltaStructType, DeltaType } from '@lakestream/catalog';
import { typeLabel } from '../tables/type-label';

/** How a column is typed in the test-record form. */
export type FieldInput = 'text' | 'integer' | 'number' | 'boolean' | 'json';

/** One field of the form: a top-level column. */
export interface FormField {
  readonly name: string;
  /** The column's type in one line (`long`, `struct<2 fields>`). */
  readonly typeLabel: string;
  readonly input: FieldInput;
  readonly nullable: boolean;
  /** A line of help: the value's form (a date's, a timestamp's, nested values as JSON). */
  readonly hint: string;
}

const INTEGERS = new Set(['long', 'integer', 'short', 'byte']);
const NUMBERS = new Set(['float', 'double']);

const HINTS: Record<string, string> = {
  date: 'YYYY-MM-DD',
  timestamp: 'RFC 3339 with a zone, e.g. 2026-01-31T12:00:00Z',
  binary: 'base64',
};

function inputOf(type: DeltaType): FieldInput {
  if (typeof type !== 'string') return 'json';
  if (INTEGERS.has(type)) return 'integer';
  if (NUMBERS.has(type)) return 'number';
  if (type === 'boolean') return 'boolean';
  return 'text';
}

/** The form of a table: one field per top-level column, typed by its Delta type; nested ones as JSON. */
export function formFieldsOf(schema: DeltaStructType): FormField[] {
  return schema.fields.map((f) => {
    const input = inputOf(f.type);
    const label = typeLabel(f.type);
    return {
      name: f.name,
      typeLabel: label,
      input,
      nullable: f.nullable,
      hint:
        input === 'json'
          ? `JSON, e.g. ${exampleJson(f.type)}`
          : (HINTS[label] ?? (label.startsWith('decimal') ? 'decimal text, e.g. 12.50' : '')),
    };
  });
}

function exampleJson(type: DeltaType): string {
  if (typeof type === 'string') return 'null';
  if (type.type === 'array') return '[…]';
  if (type.type === 'map') return '{"key": …}';
  return `{${type.fields.map((f) => `"${f.name}": …`).join(', ')}}`;
}

/** The form's record as JSON text, or the first field whose JSON does not parse, in a sentence. */
export type FormRecord = { readonly json: string } | { readonly problem: string };

/**
 * The record a producer would send for the form's `values` (by column name): an empty field is left out (a
 * null); integers that are digits become JSON numbers (64-bit ones beyond 2^53 stay digit strings, as proto3
 * JSON writes them), numbers that parse become numbers, `true`/`false` booleans, JSON fields their JSON.
 * Anything else is sent as the text typed, so that the node — not the form — says what it refuses.
 */
export function recordFromForm(
  fields: readonly FormField[],
  values: Readonly<Record<string, string>>,
): FormRecord {
  const record: Record<string, unknown> = {};
  for (const field of fields) {
    const text = values[field.name] ?? '';
    if (text.trim() === '') continue;
    switch (field.input) {
      case 'integer':
        record[field.name] =
          /^-?\d+$/.test(text.trim()) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
        break;
      case 'number':
        record[field.name] = text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
        break;
      case 'boolean':
        record[field.name] = text === 'true' ? true : text === 'false' ? false : text;
        break;
      case 'json':
        try {
          record[field.name] = JSON.parse(text);
        } catch (error) {
          return { problem: `'${field.name}' is not JSON: ${(error as Error).message}` };
        }
        break;
      default:
        record[field.name] = text;
    }
  }
  return { json: JSON.stringify(record) };
}
