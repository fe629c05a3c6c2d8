/**
 * What an ingest node knows of the catalog: the last snapshot the control plane provisioned (kept on disk,
 * so the node serves from it while the control plane is down). Owned by `catalog/`; read by the stream
 * handlers and the publisher.
 */

import type { DeltaSchema } from '@lakestream/delta';

/** A table producers may write to. */
export interface ProvisionedTable {
  /** Three-part name `catalog.schema.table`, lower case. */
  readonly name: string;
  /** Where the Delta table lives: a directory path (absolute, or relative to the node's data directory). */
  readonly location: string;
  /** The table's columns, parsed and checked once, when the snapshot was loaded (`parseCatalogSnapshot`). */
  readonly schema: DeltaSchema;
  /** Table properties for creation (`delta.appendOnly` and friends). */
  readonly properties: Readonly<Record<string, string>>;
}

/** The answer to "may this principal write to this table", with the reason in words. */
export interface WriteDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** One provisioned catalog snapshot. */
export interface CatalogView {
  /** Snapshot version; grows with every push from the control plane. */
  readonly version: number;
  /** The table, or `undefined` when it is not provisioned (→ NOT_FOUND). */
  table(name: string): ProvisionedTable | undefined;
  /** MODIFY on the table plus USE_CATALOG and USE_SCHEMA on its parents, inherited downward. */
  authorizeWrite(principalId: string, tableName: string): WriteDecision;
  /**
   * Why the principal may no longer use the credential, in words with what to do (a live stream of it is
   * closed within seconds with them): the principal is disabled or no longer provisioned, or the credential
   * was revoked, is no longer provisioned, belongs to someone else or expired. `undefined` while both are good.
   */
  revocation(principalId: string, credentialId: string): string | undefined;
}

/** A principal the control plane provisioned (a user or a service principal). */
export interface ProvisionedPrincipal {
  readonly id: string;
  readonly name: string;
  readonly kind: 'user' | 'service';
  /** A disabled principal is refused at authentication, and its live streams are closed. */
  readonly disabled: boolean;
}

/** A credential of a principal: an OAuth client (signs in for JWTs) or a long-lived producer token. */
export interface ProvisionedCredential {
  readonly id: string;
  readonly principalId: string;
  readonly kind: 'oauth_client' | 'producer_token';
  /** For producer tokens: `sha256:<hex>` of the whole token. */
  readonly tokenHash: string | undefined;
  readonly revoked: boolean;
  /** ms since the epoch; `undefined` when the credential does not expire. */
  readonly expiresAt: number | undefined;
}

/** A control-plane public key that signs the short-lived JWTs (selected by the token's `kid`). */
export interface ProvisionedTokenKey {
  readonly kid: string;
  readonly alg: 'EdDSA';
  /** An Ed25519 public JWK: `{kty: 'OKP', crv: 'Ed25519', x}`. */
  readonly publicJwk: { readonly kty: 'OKP'; readonly crv: 'Ed25519'; readonly x: string };
}

/** What the authenticator reads from a snapshot besides the grants: who exists and how they prove it. */
export interface CredentialDirectory {
  /** The `iss` every JWT must carry (empty before the first provisioning). */
  readonly tokenIssuer: string;
  /** The `aud` every JWT must carry (empty before the first provisioning). */
  readonly tokenAudience: string;
  principal(id: string): ProvisionedPrincipal | undefined;
  credential(id: string): ProvisionedCredential | undefined;
  tokenKey(kid: string): ProvisionedTokenKey | undefined;
}

/** A full provisioned snapshot, as `catalog/` builds it: grants and tables plus the credential directory. */
export type ProvisionedCatalog = CatalogView & CredentialDirectory;

/**
 * The current snapshot, and a way to hear of the next one. `V` lets a consumer ask for more than the
 * `CatalogView` (the authenticator needs a `ProvisionedCatalog`); the catalog store provides that.
 */
export interface CatalogSource<V extends CatalogView = CatalogView> {
  current(): V;
  /** Calls `listener` after every new snapshot; returns the unsubscribe function. */
  subscribe(listener: (view: V) => void): () => void;
}
