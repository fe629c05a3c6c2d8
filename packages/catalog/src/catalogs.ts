import { randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb } from './db/catalog-db.js';
import { parseIdentifier, parseSchemaName } from './names.js';

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
): Promise<CatalogInfo> {
  const name = parseIdentifier(input.name, 'catalog');
  return db.transaction(async (tx) => {
    if ((await findCatalog(tx, name)) !== undefined) {
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
    await tx.orm.insert(tx.tables.Catalogs).values(row);
    await recordChange(
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
): Promise<SchemaInfo> {
  const parsed = parseSchemaName(input.name);
  const name = `${parsed.catalog}.${parsed.schema}`;
  return db.transaction(async (tx) => {
    const catalog = await requireCatalog(tx, parsed.catalog);
    if ((await findSchema(tx, catalog.id, parsed.schema)) !== undefined) {
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
    await tx.orm.insert(tx.tables.Schemas).values(row);
    await recordChange(
      tx,
      actor,
      { action: 'schema.create', targetType: 'schema', target: name, details: { comment: row.comment } },
      now,
    );
    return { ...row, name };
  });
}

/** Every catalog, by name. */
export function listCatalogs(db: CatalogDb): Promise<CatalogInfo[]> {
  return db.run(({ orm, tables: { Catalogs } }) => orm.select().from(Catalogs).orderBy(asc(Catalogs.name)));
}

/** Catalog `name`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function getCatalog(db: CatalogDb, name: string): Promise<CatalogInfo> {
  return requireCatalog(db, parseIdentifier(name, 'catalog'));
}

/** The schemas of catalog `catalog`, by name. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function listSchemas(db: CatalogDb, catalog: string): Promise<SchemaInfo[]> {
  return db.run(async (q) => {
    const { Schemas } = q.tables;
    const found = await getCatalog(q, catalog);
    const rows = await q.orm
      .select()
      .from(Schemas)
      .where(eq(Schemas.catalogId, found.id))
      .orderBy(asc(Schemas.name));
    return rows.map((s) => ({ ...s, name: `${found.name}.${s.name}` }));
  });
}

/** Schema `catalog.schema`. Throws `CatalogError` `INVALID_NAME` or `NOT_FOUND`. */
export function getSchema(db: CatalogDb, name: string): Promise<SchemaInfo> {
  const parsed = parseSchemaName(name);
  return db.run(async (q) => {
    const catalog = await requireCatalog(q, parsed.catalog);
    const schema = await findSchema(q, catalog.id, parsed.schema);
    if (schema === undefined) {
      throw new CatalogError('NOT_FOUND', `schema '${parsed.catalog}.${parsed.schema}' does not exist`);
    }
    return { ...schema, name: `${catalog.name}.${schema.name}` };
  });
}

/** Catalog row `name` (already parsed), or `undefined`. */
export function findCatalog(db: CatalogDb, name: string): Promise<CatalogInfo | undefined> {
  return db.run(async ({ orm, tables: { Catalogs } }) => {
    const [row] = await orm.select().from(Catalogs).where(eq(Catalogs.name, name)).limit(1);
    return row;
  });
}

/** Catalog row `name` (already parsed). Throws `CatalogError('NOT_FOUND')`. */
export async function requireCatalog(db: CatalogDb, name: string): Promise<CatalogInfo> {
  const catalog = await findCatalog(db, name);
  if (catalog === undefined) throw new CatalogError('NOT_FOUND', `catalog '${name}' does not exist`);
  return catalog;
}

/** A row of `schemas`: `name` is the schema's own name, without its catalog's. */
export type SchemaRow = SchemaInfo;

/** Schema row `name` (already parsed) of catalog `catalogId`, or `undefined`. */
export function findSchema(db: CatalogDb, catalogId: string, name: string): Promise<SchemaRow | undefined> {
  return db.run(async ({ orm, tables: { Schemas } }) => {
    const [row] = await orm
      .select()
      .from(Schemas)
      .where(and(eq(Schemas.catalogId, catalogId), eq(Schemas.name, name)))
      .limit(1);
    return row;
  });
}
