import { CatalogError } from './catalog-error.js';

/*
 * Naming rules. Catalog, schema and table identifiers are lower-case `[a-z_][a-z0-9_]*`, at most 255
 * characters; input is lower-cased first (names are case-insensitive, as in Unity Catalog and on ingest nodes).
 * Column names follow Delta without column mapping (spec/delta-writer.md, "schemaString"): non-empty, free of
 * ` ,;{}()\n\t=`, unique case-insensitively among their siblings.
 */

/** The longest catalog, schema, table or column name. */
export const MAX_NAME_LENGTH = 255;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const BAD_COLUMN_CHARS = /[ ,;{}()\n\t=]/;

/** What a name names, for messages. */
export type NameKind = 'catalog' | 'schema' | 'table';

/** `catalog.schema.table`, parsed and lower-cased. */
export interface TableName {
  readonly catalog: string;
  readonly schema: string;
  readonly table: string;
}

/** `catalog.schema`, parsed and lower-cased. */
export interface SchemaName {
  readonly catalog: string;
  readonly schema: string;
}

/** Why `name` is not a valid identifier of `kind`, or `undefined` when it is (expects it lower-cased). */
export function identifierProblem(name: string, kind: NameKind): string | undefined {
  if (name === '') return `a ${kind} name cannot be empty`;
  if (name.length > MAX_NAME_LENGTH) {
    return `${kind} name '${name.slice(0, 32)}…' is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  }
  if (!IDENTIFIER.test(name)) {
    return `${kind} name '${name}' must start with a letter or '_' and hold only letters, digits and '_'`;
  }
  return undefined;
}

/**
 * Lower-cases and checks one identifier (`Sales` → `sales`). Throws `CatalogError('INVALID_NAME')` saying
 * what is wrong.
 */
export function parseIdentifier(name: string, kind: NameKind): string {
  const lower = name.toLowerCase();
  const problem = identifierProblem(lower, kind);
  if (problem !== undefined) throw new CatalogError('INVALID_NAME', problem);
  return lower;
}

function splitName(name: string, parts: number, expected: string): string[] {
  const split = name.split('.');
  if (split.length !== parts) {
    throw new CatalogError('INVALID_NAME', `'${name}' is not a ${expected}`);
  }
  return split;
}

/** Parses `catalog.schema`. Throws `CatalogError('INVALID_NAME')` naming the bad part. */
export function parseSchemaName(name: string): SchemaName {
  const [catalog, schema] = splitName(name, 2, "two-part schema name 'catalog.schema'");
  return { catalog: parseIdentifier(catalog!, 'catalog'), schema: parseIdentifier(schema!, 'schema') };
}

/** Parses `catalog.schema.table`. Throws `CatalogError('INVALID_NAME')` naming the bad part. */
export function parseTableName(name: string): TableName {
  const [catalog, schema, table] = splitName(name, 3, "three-part table name 'catalog.schema.table'");
  return {
    catalog: parseIdentifier(catalog!, 'catalog'),
    schema: parseIdentifier(schema!, 'schema'),
    table: parseIdentifier(table!, 'table'),
  };
}

const SERVICE_PRINCIPAL_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * Why `name` is not a valid service principal name, or `undefined` when it is (expects it lower-cased). The
 * identifier rule with the `-` and `.` that producers' names carry (`orders-producer`): letters, digits,
 * `_`, `-` and `.`, starting with a letter or digit, at most 255 characters. Users are named by their e-mail.
 */
export function servicePrincipalNameProblem(name: string): string | undefined {
  if (name === '') return 'a service principal name cannot be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `service principal name '${name.slice(0, 32)}…' is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  }
  if (!SERVICE_PRINCIPAL_NAME.test(name)) {
    return `service principal name '${name}' must start with a letter or digit and hold only letters, digits, '_', '-' and '.'`;
  }
  return undefined;
}

/**
 * Lower-cases and checks a service principal name (`Orders-Producer` → `orders-producer`). Throws
 * `CatalogError('INVALID_NAME')` saying what is wrong.
 */
export function parseServicePrincipalName(name: string): string {
  const lower = name.toLowerCase();
  const problem = servicePrincipalNameProblem(lower);
  if (problem !== undefined) throw new CatalogError('INVALID_NAME', problem);
  return lower;
}

/** `main.sales.orders` of a parsed name. */
export function formatTableName(name: TableName): string {
  return `${name.catalog}.${name.schema}.${name.table}`;
}

/** Why `name` is not a valid Delta column name, or `undefined` when it is. */
export function columnNameProblem(name: string): string | undefined {
  if (name === '') return 'a column name cannot be empty';
  if (name.length > MAX_NAME_LENGTH) {
    return `column name '${name.slice(0, 32)}…' is ${name.length} characters long; the limit is ${MAX_NAME_LENGTH}`;
  }
  const bad = BAD_COLUMN_CHARS.exec(name);
  if (bad !== null) {
    return `column name ${JSON.stringify(name)} contains ${JSON.stringify(bad[0])}; Delta column names must be free of space , ; { } ( ) newline tab =`;
  }
  return undefined;
}

/**
 * The first name of `names` equal to an earlier one ignoring case, with the earlier one, or `undefined`.
 * Delta column names are unique case-insensitively.
 */
export function findDuplicateName(
  names: readonly string[],
): { name: string; index: number; earlier: string } | undefined {
  const seen = new Map<string, string>();
  for (const [index, name] of names.entries()) {
    const key = name.toLowerCase();
    const earlier = seen.get(key);
    if (earlier !== undefined) return { name, index, earlier };
    seen.set(key, name);
  }
  return undefined;
}
