/**
 * What an ingest node knows of the catalog: the last snapshot the control plane provisioned (kept on disk,
 * so the node serves from it while the control plane is down). Owned by `catalog/`; read by the stream
 * handlers and the publisher.
 */

/** A Delta schema in its JSON form (`metaData.schemaString` parsed), as `@lakestream/delta` defines it. */
export type TableSchemaJson = { type: 'struct'; fields: readonly { name: string; type: unknown; nullable: boolean; metadata?: Record<string, unknown> }[] };

/** A table producers may write to. */
export interface ProvisionedTable {
  /** Three-part name `catalog.schema.table`, lower case. */
  readonly name: string;
  /** Where the Delta table lives: a directory path (absolute, or relative to the node's data directory). */
  readonly location: string;
  readonly schema: TableSchemaJson;
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
  /** Whether the principal or the credential was revoked (a live stream of it is closed within seconds). */
  isRevoked(principalId: string, credentialId: string): boolean;
}

/** The current snapshot, and a way to hear of the next one. */
export interface CatalogSource {
  current(): CatalogView;
  /** Calls `listener` after every new snapshot; returns the unsubscribe function. */
  subscribe(listener: (view: CatalogView) => void): () => void;
}
