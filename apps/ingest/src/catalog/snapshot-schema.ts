import { type CatalogSnapshot, checkCatalogSnapshot } from '@lakestream/catalog/contract';
import { ProvisioningError } from './provisioning-error.js';

/*
 * The JSON the control plane pushes to every ingest node. Its schema is the catalog's own
 * (`@lakestream/catalog/contract`, the entry that loads no database): what the console builds is what a node
 * validates. Here: the node's refusal of a bad one, and the snapshot of a node never provisioned.
 */

export {
  type CatalogSnapshot,
  type CatalogSnapshotInput,
  catalogSnapshotSchema,
  PRIVILEGES,
  type Privilege,
} from '@lakestream/catalog/contract';

/**
 * Validates and normalises a snapshot value (parsed JSON). Throws `ProvisioningError('INVALID_SNAPSHOT')` whose
 * message lists every problem with its path, e.g. `tables[0].name: expected a three-part table name …`.
 */
export function parseCatalogSnapshot(value: unknown): CatalogSnapshot {
  const check = checkCatalogSnapshot(value);
  if (check.ok) return check.snapshot;
  throw new ProvisioningError('INVALID_SNAPSHOT', `invalid catalog snapshot: ${check.problems.join('; ')}`);
}

/** The snapshot of a node that was never provisioned: version 0, nothing in it, every call refused. */
export function emptyCatalogSnapshot(): CatalogSnapshot {
  return {
    version: 0,
    issuer: '',
    audience: '',
    tables: [],
    principals: [],
    grants: [],
    credentials: [],
    tokenKeys: [],
  };
}
