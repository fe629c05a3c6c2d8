import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatMode, isOpenToOthers, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../base/file-modes.js';
import { readOrCreateNodeId } from '../base/node-id.js';
import {
  readOrCreateValueFile,
  readValueFile,
  ValueFileError,
  type ValueFileKind,
} from '../base/value-file.js';
import { ConfigError } from './config-error.js';
import { deepFreeze, type IngestConfig, type LoadedConfig } from './load-config.js';
import { type Kind, SECRET } from './value-kinds.js';

/**
 * Prepares the data directory of a loaded configuration, the one step of starting that writes: creates it
 * (mode 0700; one that exists and is open to other users is left as it is, with a warning saying how to close
 * it), reads or creates `<data-dir>/node-id` (0600) unless `--node-id` was given, and reads or generates the
 * admin secret file (0600; a notice says where), which is refused when other users may read it. Returns the
 * complete, frozen configuration; throws `ConfigError` naming the option and the file.
 */
export function prepareDataDir(loaded: LoadedConfig): IngestConfig {
  const { dataDir } = loaded;
  const notices: string[] = [];
  const warnings: string[] = [];
  try {
    mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  } catch (error) {
    throw new ConfigError([`--data-dir: cannot create '${dataDir}': ${describe(error)}`]);
  }
  // A directory the node creates is its user's alone; one that was there is left as it is, with a warning.
  const dataDirMode = statSync(dataDir).mode;
  if (isOpenToOthers(dataDirMode)) {
    warnings.push(
      `the data directory ${dataDir} is open to other users (mode ${formatMode(dataDirMode)}), and it holds every acked record (the WAL), the catalog and the admin secret: run chmod 700 ${dataDir}`,
    );
  }
  let nodeId = loaded.nodeId;
  if (nodeId === undefined) {
    const stored = asConfigError('--node-id', () => readOrCreateNodeId(dataDir));
    nodeId = stored.nodeId;
    if (stored.created !== undefined) notices.push(stored.created);
  }

  let secret: string | undefined;
  let secretFile: string | undefined;
  if (loaded.admin.insecure) {
    notices.push(
      'the admin API has no authentication (--insecure-dev-admin); never use this outside development',
    );
  } else if (loaded.admin.secret !== undefined) {
    secret = loaded.admin.secret;
  } else if (loaded.admin.secretFile !== undefined) {
    secretFile = loaded.admin.secretFile;
    refuseIfOpenToOthers(secretFile);
    secret = asConfigError('--admin-secret-file', () => readValueFile(secretFile!, fileKind(SECRET)));
  } else {
    secretFile = join(dataDir, 'admin-secret');
    const stored = asConfigError('--admin-secret-file', () =>
      readOrCreateValueFile(
        secretFile!,
        () => randomBytes(32).toString('base64url'),
        PRIVATE_FILE_MODE,
        fileKind(SECRET),
      ),
    );
    secret = stored.value;
    if (stored.created !== undefined) notices.push(stored.created);
    refuseIfOpenToOthers(secretFile);
  }

  return deepFreeze({
    ...loaded,
    nodeId,
    admin: { ...loaded.admin, secret, secretFile },
    notices,
    warnings,
  });
}

/**
 * Throws `ConfigError` when the admin secret file may be read (or written) by other users: anyone who reads
 * it controls the node (catalog pushes, drains). The message names the file, its mode and the command.
 */
function refuseIfOpenToOthers(file: string): void {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    throw new ConfigError([`--admin-secret-file: cannot read '${file}': ${describe(error)}`]);
  }
  if (isOpenToOthers(mode)) {
    throw new ConfigError([
      `--admin-secret-file: ${file} is open to other users (mode ${formatMode(mode)}), and it holds the admin API's secret: run chmod 600 ${file}`,
    ]);
  }
}

/** A value kind as a value file's check. */
function fileKind(kind: Kind<string>): ValueFileKind {
  return { isValid: (text) => kind.schema.safeParse(text).success, expected: kind.expected };
}

/** `read()`, with a `ValueFileError` turned into the `ConfigError` of `flag`. */
function asConfigError<T>(flag: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValueFileError) throw new ConfigError([`${flag}: ${error.message}`]);
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
