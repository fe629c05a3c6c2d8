import type { DecodeErrorCode } from '../errors.js';

/**
 * A decoding failure inside one record, before it is known which record of the batch it was. Generated
 * decoders throw it; each enclosing message adds its field name to `path` on the way out, and the batch
 * driver turns it into a public `DecodeError` with the record's index.
 */
export class WireFault {
  /** Dotted field path, filled in from the innermost message outwards; `null` until a message claims it. */
  path: string | null = null;
  constructor(
    readonly code: DecodeErrorCode,
    readonly offset: number,
    readonly detail: string,
  ) {}
}

/** Prefixes `fault.path` with `name` (and a list index when `index >= 0`); rethrows anything else. */
export function nestFault(fault: unknown, name: string, index: number): never {
  if (!(fault instanceof WireFault)) throw fault;
  const head = index >= 0 ? `${name}[${index}]` : name;
  fault.path = fault.path === null || fault.path === '' ? head : `${head}.${fault.path}`;
  throw fault;
}
