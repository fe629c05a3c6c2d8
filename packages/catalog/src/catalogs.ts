import { randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import { type Actor, recordChange } from './audit.js';
import { CatalogError } from './catalog-error.js';
import type { CatalogDb } from './db/catalog-db.js';
import { namesInWords } from './in-words.js';
import { parseIdentifier, parseSchemaName } from './names.js';
import { removeGrantsOn } from './securable-grants.js';

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

/* ── Rename and drop ───────────────────────────────────────────────────────────────────────────────────── */

/** The schemas of catalog `catalogId` with how many tables each holds, by name. */
async function schemasWithTables(
  tx: CatalogDb,
  catalogId: string,
): Promise<{ name: string; tables: number }[]> {
  return tx.run(async ({ orm, tables: { Schemas, Tables } }) => {
    const rows = await orm
      .select({ name: Schemas.name, tables: count(Tables.id) })
      .from(Schemas)
      .leftJoin(Tables, eq(Tables.schemaId, Schemas.id))
      .where(eq(Schemas.catalogId, catalogId))
      .groupBy(Schemas.id, Schemas.name)
      .orderBy(asc(Schemas.name));
    return rows.map((r) => ({ name: r.name, tables: Number(r.tables) }));
  });
}

/** The names of the tables of schema `schemaId`, by name. */
async function tablesOfSchema(tx: CatalogDb, schemaId: string): Promise<string[]> {
  return tx.run(async ({ orm, tables: { Tables } }) => {
    const rows = await orm
      .select({ name: Tables.name })
      .from(Tables)
      .where(eq(Tables.schemaId, schemaId))
      .orderBy(asc(Tables.name));
    return rows.map((r) => r.name);
  });
}

/**
 * Renames catalog `name` to `newName`. Its schemas, tables, grants (by id) and table locations stay as they
 * are; producers must use the new name. Audited as `catalog.rename`. Throws `CatalogError` `INVALID_NAME`,
 * `NOT_FOUND` or `ALREADY_EXISTS` (the new name is taken).
 */
export function renameCatalog(
  db: CatalogDb,
  actor: Actor,
  name: string,
  newName: string,
): Promise<CatalogInfo> {
  const from = parseIdentifier(name, 'catalog');
  const to = parseIdentifier(newName, 'catalog');
  return db.transaction(async (tx) => {
    const catalog = await requireCatalog(tx, from);
    if (to !== from && (await findCatalog(tx, to)) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `catalog '${to}' already exists`);
    }
    const { Catalogs } = tx.tables;
    await tx.orm.update(Catalogs).set({ name: to }).where(eq(Catalogs.id, catalog.id));
    await recordChange(
      tx,
      actor,
      { action: 'catalog.rename', targetType: 'catalog', target: to, details: { from, to } },
      Date.now(),
    );
    return { ...catalog, name: to };
  });
}

/**
 * Drops catalog `name` and the grants on it, refusing while it holds schemas: dropping is never a cascade, so
 * that no table disappears with a catalog by surprise (drop the tables and schemas first). Audited as
 * `catalog.drop`. Throws `CatalogError` `INVALID_NAME`, `NOT_FOUND` or `NOT_EMPTY` (naming the schemas and
 * how many tables each holds).
 */
export function dropCatalog(db: CatalogDb, actor: Actor, name: string): Promise<{ grantsRemoved: number }> {
  const parsed = parseIdentifier(name, 'catalog');
  return db.transaction(async (tx) => {
    const catalog = await requireCatalog(tx, parsed);
    const schemas = await schemasWithTables(tx, catalog.id);
    if (schemas.length > 0) {
      const inside = schemas.map(
        (s) => `${parsed}.${s.name} (${s.tables} table${s.tables === 1 ? '' : 's'})`,
      );
      throw new CatalogError(
        'NOT_EMPTY',
        `catalog '${parsed}' is not empty: it holds ${namesInWords('schema', inside)}; drop ${schemas.length === 1 ? 'it' : 'them'} first`,
      );
    }
    const grantsRemoved = await removeGrantsOn(tx, 'catalog', [catalog.id]);
    await tx.orm.delete(tx.tables.Catalogs).where(eq(tx.tables.Catalogs.id, catalog.id));
    await recordChange(
      tx,
      actor,
      { action: 'catalog.drop', targetType: 'catalog', target: parsed, details: { grantsRemoved } },
      Date.now(),
    );
    return { grantsRemoved };
  });
}

/**
 * Renames schema `catalog.schema` to `newName`, which names the same catalog (a schema does not move between
 * catalogs). Its tables, grants (by id) and table locations stay. Audited as `schema.rename`. Throws
 * `CatalogError` `INVALID_NAME`, `NOT_FOUND` or `ALREADY_EXISTS`.
 */
export function renameSchema(
  db: CatalogDb,
  actor: Actor,
  name: string,
  newName: string,
): Promise<SchemaInfo> {
  const from = parseSchemaName(name);
  const to = parseSchemaName(newName);
  const fromName = `${from.catalog}.${from.schema}`;
  const toName = `${to.catalog}.${to.schema}`;
  if (to.catalog !== from.catalog) {
    throw new CatalogError(
      'INVALID_NAME',
      `schema '${fromName}' stays in catalog '${from.catalog}'; '${toName}' names another catalog`,
    );
  }
  return db.transaction(async (tx) => {
    const catalog = await requireCatalog(tx, from.catalog);
    const schema = await findSchema(tx, catalog.id, from.schema);
    if (schema === undefined) throw new CatalogError('NOT_FOUND', `schema '${fromName}' does not exist`);
    if (to.schema !== from.schema && (await findSchema(tx, catalog.id, to.schema)) !== undefined) {
      throw new CatalogError('ALREADY_EXISTS', `schema '${toName}' already exists`);
    }
    const { Schemas } = tx.tables;
    await tx.orm.update(Schemas).set({ name: to.schema }).where(eq(Schemas.id, schema.id));
    await recordChange(
      tx,
      actor,
      {
        action: 'schema.rename',
        targetType: 'schema',
        target: toName,
        details: { from: fromName, to: toName },
      },
      Date.now(),
    );
    return { ...schema, name: toName };
  });
}

/**
 * Drops schema `catalog.schema` and the grants on it, refusing while it holds tables (never a cascade; see
 * `dropCatalog`). Audited as `schema.drop`. Throws `CatalogError` `INVALID_NAME`, `NOT_FOUND` or `NOT_EMPTY`
 * (naming the tables).
 */
export function dropSchema(db: CatalogDb, actor: Actor, name: string): Promise<{ grantsRemoved: number }> {
  const parsed = parseSchemaName(name);
  const full = `${parsed.catalog}.${parsed.schema}`;
  return db.transaction(async (tx) => {
    const catalog = await requireCatalog(tx, parsed.catalog);
    const schema = await findSchema(tx, catalog.id, parsed.schema);
    if (schema === undefined) throw new CatalogError('NOT_FOUND', `schema '${full}' does not exist`);
    const tables = await tablesOfSchema(tx, schema.id);
    if (tables.length > 0) {
      throw new CatalogError(
        'NOT_EMPTY',
        `schema '${full}' is not empty: it holds ${namesInWords(
          'table',
          tables.map((t) => `${full}.${t}`),
        )}; drop ${tables.length === 1 ? 'it' : 'them'} first`,
      );
    }
    const grantsRemoved = await removeGrantsOn(tx, 'schema', [schema.id]);
    await tx.orm.delete(tx.tables.Schemas).where(eq(tx.tables.Schemas.id, schema.id));
    await recordChange(
      tx,
      actor,
      { action: 'schema.drop', targetType: 'schema', target: full, details: { grantsRemoved } },
      Date.now(),
    );
    return { grantsRemoved };
  });
}
