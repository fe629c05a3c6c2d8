import type { DecodeErrorCode } from '../errors.js';
import { ExactNumber, isInexactInteger, NEEDS_EXACT_NUMBERS } from './exact-json.js';

/**
 * Why a JSON value could not go into its column, thrown by the converters while a record is walked. Not an
 * `Error` (no stack trace to capture): the parser turns it into a `DecodeError` once it knows the record
 * index. Each container the failure passes through on its way out prepends its segment to `path`, so the
 * path is only ever built for records that fail.
 */
export class ValueFailure {
  constructor(
    readonly code: DecodeErrorCode,
    readonly detail: string,
    public path = '',
  ) {}

  /** Puts `segment` (`name`, `.name`, `[3]`, `["key"]`) in front of the path. */
  prepend(segment: string): void {
    this.path = segment + this.path;
  }
}

const MAX_SHOWN = 40;

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

/** Describes a JSON value for an error detail: `the string "abc"`, `the number 1.5`, `an object`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${JSON.stringify(clip(value))}`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return value instanceof ExactNumber ? `the number ${clip(value.source)}` : 'an object';
    default:
      return typeof value;
  }
}

/**
 * A `TYPE_MISMATCH` failure: `expected <expected>, found <what the value is>`. For a number `JSON.parse`
 * may have rounded it throws `NEEDS_EXACT_NUMBERS` instead, so that the failure quotes the number as sent.
 */
export function typeMismatch(expected: string, value: unknown): ValueFailure {
  if (typeof value === 'number' && isInexactInteger(value)) throw NEEDS_EXACT_NUMBERS;
  return new ValueFailure('TYPE_MISMATCH', `expected ${expected}, found ${describeValue(value)}`);
}
