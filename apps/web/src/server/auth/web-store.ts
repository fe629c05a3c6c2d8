import type { CatalogTx, OpenCatalog } from '@lakestream/catalog';
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { toPostgresTables } from '../catalog';

/*
 * The console's own tables, beside the catalog's in the same database (SQLite or PostgreSQL): console users'
 * password hashes, sign-in sessions and personal API tokens. They are not part of the catalog (ingest nodes never see them, no
 * audit version), so they live here rather than in packages/catalog's migrations; created with
 * `CREATE TABLE IF NOT EXISTS`. Written once with sqlite-core, like the catalog's schema; `webTables` gives
 * each engine's twin (`toPostgresTables`).
 */

/** Password hashes of console users (`scrypt$…`, see passwords.ts), one per user principal. */
export const WebPasswords = sqliteTable('web_passwords', {
  principalId: text('principal_id').primaryKey(),
  hash: text('hash').notNull(),
  updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
});

/** Sign-in sessions: the HMAC of the cookie's token (never the token itself), its user and expiry. */
export const WebSessions = sqliteTable('web_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  principalId: text('principal_id').notNull(),
  createdAt: integer('created_at', { mode: 'number' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'number' }).notNull(),
  address: text('address'),
});

/**
 * Personal API tokens of console users (automation: a CLI, Terraform). `id` is the token's public part; the
 * secret is stored only as a slow hash (`scrypt$…`, packages/catalog's secret-hash.ts). `role` is the token's
 * scope, never above its user's role when created (and capped by the user's role at each use).
 */
export const WebApiTokens = sqliteTable('web_api_tokens', {
  id: text('id').primaryKey(),
  principalId: text('principal_id').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'editor', 'viewer'] }).notNull(),
  secretHash: text('secret_hash').notNull(),
  createdAt: integer('created_at', { mode: 'number' }).notNull(),
  expiresAt: integer('expires_at', { mode: 'number' }),
  revokedAt: integer('revoked_at', { mode: 'number' }),
  lastUsedAt: integer('last_used_at', { mode: 'number' }),
  lastUsedFrom: text('last_used_from'),
});

const sqliteWebTables = { WebPasswords, WebSessions, WebApiTokens };
const postgresWebTables = toPostgresTables(sqliteWebTables);

/** The console's tables in the dialect of `q`'s engine. */
export function webTables(q: Pick<CatalogTx, 'engine'>): typeof sqliteWebTables {
  return q.engine === 'postgres' ? postgresWebTables : sqliteWebTables;
}

/**
 * Creates the console's tables when missing (idempotent), in SQL both engines accept (`BIGINT` is an integer
 * in SQLite and a 64-bit one in PostgreSQL, as millisecond timestamps need).
 */
export async function ensureWebTables(open: Pick<OpenCatalog, 'exec'>): Promise<void> {
  await open.exec(`
    CREATE TABLE IF NOT EXISTS web_passwords (
      principal_id TEXT PRIMARY KEY NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
      hash TEXT NOT NULL,
      updated_at BIGINT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS web_sessions (
      token_hash TEXT PRIMARY KEY NOT NULL,
      principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NOT NULL,
      address TEXT
    );
    CREATE INDEX IF NOT EXISTS web_sessions_principal ON web_sessions (principal_id);
    CREATE TABLE IF NOT EXISTS web_api_tokens (
      id TEXT PRIMARY KEY NOT NULL,
      principal_id TEXT NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
      secret_hash TEXT NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT,
      revoked_at BIGINT,
      last_used_at BIGINT,
      last_used_from TEXT
    );
    CREATE INDEX IF NOT EXISTS web_api_tokens_principal ON web_api_tokens (principal_id);
  `);
}

/** The database type the console's stores take (the catalog's database handle). */
export type { CatalogDb as WebDb } from '@lakestream/catalog';
