import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import { parseIdentifier, parseSchemaName } from './names.js';
import type { CatalogDb, CatalogExecutor } from './open-catalog.js';
import { Catalogs, Schemas } from './schema.js';

/** A catalog as the console shows it. */
export interface CatalogInfo {
  readonly id: string;
  readonly name: string;
  readonly comment: string | null;
  readonly storageRoot: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
}

/** A schema as the console shows it; `name` is `catalog.schema`. */
export interface SchemaInfo {
  readonly id: string;
  readonly catalogId: string;
  readonly name: string;
  readonly comment: string | null;
  readonly createdBy: string;
  readonly createdAt: number;
}

/**
 * Creates catalog `name` (lower-cased). `storageRoot` is where its tables go by default (see `createTable`).
 * Audited as `catalog.create`. Throws `CatalogError` `INVALID_NAME` or `ALREADY_EXISTS`.
 */
export function createCatalog(
  db: CatalogDb,
  actor: Actor,
  input: { name: string; comment?: string; storageRoot?: string },
): CatalogInfo {
  const name = parseIdentifier(input.name, 'catalog');
  return db.transaction((tx) => {
    if (findCatalog(tx, name) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `catalog '${name}' already exists`);
    }
    const now = Date.now();
    const row = {
      id: randomUUID(),
      name,
      comment: input.comment ?? null,
      storageRoot: input.storageRoot ?? null,
      createdBy: actor.principalId,
      createdAt: now,
    };
    tx.insert(Catalogs).values(row).run();
    recordChange(
      tx,
      actor,
      {
        action: 'catalog.create',
        targetType: 'catalog',
        target: name,
        details: { comment: row.comment, storageRoot: row.storageRoot },
      },
      now,
    );
    return row;
  });
}

/**
 * Creates schema `catalog.schema` in an existing catalog. Audited as `schema.create`. Throws `CatalogError`
 * `INVALID_NAME`, `NOT_FOUND` (no such catalog) or `ALREADY_EXISTS`.
 */
export function createSchema(
  db: CatalogDb,
  actor: Actor,
  input: { name: string; comment?: string },
): SchemaInfo {
  const parsed = parseSchemaName(input.name);
  const name = `${parsed.catalog}.${parsed.schema}`;
  return db.transaction((tx) => {
    const catalog = requireCatalog(tx, parsed.catalog);
    if (findSchema(tx, catalog.id, parsed.schema) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `schema '${name}' already exists`);
    }
    const now = Date.now();
    const row = {
      id: randomUUID(),
      catalogId: catalog.id,
      name: parsed.schema,
      comment: input.comment ?? null,
      createdBy: actor.principalId,
      createdAt: now,
    };
    tx.insert(Schemas).values(row).run();
    recordChange(
      tx,
      actor,
      { action: 'schema.create', targetType: 'schema', target: name, details: { comment: row.comment } },
      now,
    );
    return { ...row, name };
  });
}

/** Every catalog, by name. */
export function listCatalogs(db: CatalogExecutor): CatalogInfo[] {
  return db.select().from(Catalogs).orderBy(asc(Catalogs.name)).all();
}

/** Catalog `name`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function getCatalog(db: CatalogExecutor, name: string): CatalogInfo {
  return requireCatalog(db, parseIdentifier(name, 'catalog'));
}

/** The schemas of catalog `catalog`, by name. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function listSchemas(db: CatalogExecutor, catalog: string): SchemaInfo[] {
  const found = getCatalog(db, catalog);
  return db
    .select()
    .from(Schemas)
    .where(eq(Schemas.catalogId, found.id))
    .orderBy(asc(Schemas.name))
    .all()
    .map((s) => ({ ...s, name: `${found.name}.${s.name}` }));
}

/** Schema `catalog.schema`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function getSchema(db: CatalogExecutor, name: string): SchemaInfo {
  const parsed = parseSchemaName(name);
  const catalog = requireCatalog(db, parsed.catalog);
  const schema = findSchema(db, catalog.id, parsed.schema);
  if (schema === undefined) {
    throw new CatalogError('NOT_FOUND', `schema '${parsed.catalog}.${parsed.schema}' does not exist`);
  }
  return { ...schema, name: `${catalog.name}.${schema.name}` };
}

/** Catalog row `name` (already parsed), or `undefined`. */
export function findCatalog(db: CatalogExecutor, name: string) {
  return db.select().from(Catalogs).where(eq(Catalogs.name, name)).get();
}

/** Catalog row `name` (already parsed). Throws `CatalogError('NOT_FOUND')`. */
export function requireCatalog(db: CatalogExecutor, name: string) {
  const catalog = findCatalog(db, name);
  if (catalog === undefined) throw new CatalogError('NOT_FOUND', `catalog '${name}' does not exist`);
  return catalog;
}

/** Schema row `name` (already parsed) of catalog `catalogId`, or `undefined`. */
export function findSchema(db: CatalogExecutor, catalogId: string, name: string) {
  return db
    .select()
    .from(Schemas)
    .where(and(eq(Schemas.catalogId, catalogId), eq(Schemas.name, name)))
    .get();
}
