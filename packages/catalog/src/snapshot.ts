import { asc } from 'drizzle-orm';
import { getCatalogVersion } from './audit.js';
import type { CatalogDb } from './db/catalog-db.js';
import type { DeltaStructType } from './delta-types.js';
import type { Privilege, SecurableType } from './grant-resolution.js';
import { listGrants } from './grants.js';
import { listPrincipals } from './principals.js';
import type { CatalogSnapshotInput } from './snapshot-schema.js';
import { listTables } from './tables.js';

/*
 * The provisioning snapshot: the JSON the control plane pushes to every ingest node, in exactly the shape
 * `catalogSnapshotSchema` (snapshot-schema.ts, in the contract entry that nodes import) validates: the type
 * check below and snapshot.test.ts hold it so.
 */

/** A token-signing public key (Ed25519, JWK): the control plane's, passed in by it. */
export interface SnapshotTokenKey {
  readonly kid: string;
  readonly alg: 'EdDSA';
  readonly publicJwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
}

/** What the snapshot needs from outside the catalog database: the control plane's token settings. */
export interface SnapshotOptions {
  /** `iss` of the control plane's tokens. */
  readonly issuer: string;
  /** `aud` of the control plane's tokens. */
  readonly audience: string;
  /** Public keys the nodes verify tokens with (the current one and any still in rotation). */
  readonly tokenKeys: readonly SnapshotTokenKey[];
}

/** The provisioning snapshot pushed to ingest nodes. */
export interface ProvisioningSnapshot {
  version: number;
  issuer: string;
  audience: string;
  tables: { name: string; location: string; schema: DeltaStructType; properties: Record<string, string> }[];
  principals: { id: string; name: string; kind: 'user' | 'service'; disabled: boolean }[];
  grants: { principalId: string; privilege: Privilege; securable: { type: SecurableType; name: string } }[];
  credentials: {
    id: string;
    principalId: string;
    kind: 'oauth_client';
    revoked: boolean;
    expiresAt?: number;
  }[];
  tokenKeys: SnapshotTokenKey[];
}

/** Every snapshot this module builds is input the nodes' schema accepts (a compile-time check). */
type _IsSnapshotInput = ProvisioningSnapshot extends CatalogSnapshotInput ? true : never;
const _isSnapshotInput: _IsSnapshotInput = true;
void _isSnapshotInput;

/**
 * Reads the whole catalog, in one transaction so that `version` matches the content: every table (name,
 * location, Delta schema, properties), principal, grant and credential (id, owner, revoked, expiry — never a
 * secret or hash), plus the token settings of `options`.
 */
export function buildProvisioningSnapshot(
  db: CatalogDb,
  options: SnapshotOptions,
): Promise<ProvisioningSnapshot> {
  return db.transaction(async (tx) => {
    const { Credentials } = tx.tables;
    return {
      version: await getCatalogVersion(tx),
      issuer: options.issuer,
      audience: options.audience,
      tables: (await listTables(tx)).map((t) => ({
        name: t.name,
        location: t.storageLocation,
        schema: t.deltaSchema,
        properties: t.properties,
      })),
      principals: (await listPrincipals(tx)).map((p) => ({
        id: p.id,
        name: p.name,
        kind: p.kind,
        disabled: p.disabled,
      })),
      grants: (await listGrants(tx)).map((g) => ({
        principalId: g.principalId,
        privilege: g.privilege,
        securable: { type: g.securable.type, name: g.securable.name },
      })),
      credentials: (await tx.orm.select().from(Credentials).orderBy(asc(Credentials.id))).map((c) => ({
        id: c.id,
        principalId: c.principalId,
        kind: c.kind,
        revoked: c.revokedAt !== null,
        ...(c.expiresAt === null ? {} : { expiresAt: c.expiresAt }),
      })),
      tokenKeys: options.tokenKeys.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        publicJwk: { kty: k.publicJwk.kty, crv: k.publicJwk.crv, x: k.publicJwk.x },
      })),
    };
  });
}
