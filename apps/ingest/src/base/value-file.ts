import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { formatMode } from './file-modes.js';

/*
 * One-line value files of the data directory (`node-id`, `admin-secret`): read and checked, or created once
 * (exclusive create, fsync'd) so that two starts racing on a fresh directory still agree on one value.
 */

/** A value file that cannot be read, cannot be created, or does not hold what it should. */
export class ValueFileError extends Error {
  override readonly name = 'ValueFileError';
  constructor(
    readonly path: string,
    readonly reason: 'unreadable' | 'uncreatable' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/** What a value file must hold: a check, and the same in words (for the error). */
export interface ValueFileKind {
  readonly isValid: (text: string) => boolean;
  readonly expected: string;
}

/** Reads a one-line value file (trimmed); throws `ValueFileError` when it is missing or not of `kind`. */
export function readValueFile(path: string, kind: ValueFileKind): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new ValueFileError(path, 'unreadable', `cannot read '${path}': ${describe(error)}`);
  }
  if (!kind.isValid(text)) {
    throw new ValueFileError(path, 'invalid', `the file '${path}' should hold ${kind.expected}`);
  }
  return text;
}

/**
 * Reads a one-line value file, or creates it with `make()` (exclusive create with `mode`, fsync'd) when
 * absent. `created` is a line worth a notice when it was created. Throws `ValueFileError`.
 */
export function readOrCreateValueFile(
  path: string,
  make: () => string,
  mode: number,
  kind: ValueFileKind,
): { readonly value: string; readonly created: string | undefined } {
  let fd: number;
  try {
    fd = openSync(path, 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return { value: readValueFile(path, kind), created: undefined };
    }
    throw new ValueFileError(path, 'uncreatable', `cannot create '${path}': ${describe(error)}`);
  }
  const value = make();
  try {
    writeSync(fd, `${value}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { value, created: `created ${path} (mode ${formatMode(mode)})` };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
