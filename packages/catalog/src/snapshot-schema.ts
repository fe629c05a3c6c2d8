import { type DeltaSchema, parseDeltaSchema } from '@lakestream/delta/schema';
import { z } from 'zod';
import { PRIVILEGES } from './grant-resolution.js';

/*
 * The provisioning snapshot schema: the JSON the control plane pushes to every ingest node (admin
 * `PushCatalog`, or a provisioning file in development). `buildProvisioningSnapshot` writes it, ingest nodes
 * validate it with this very schema (through `@lakestream/catalog/contract`, which loads no SQLite). Securable names are case-insensitive and normalised to lower case here, once; ids (principal,
 * credential, key) are compared exactly. A parsed snapshot is itself valid input: it is what the store writes.
 */

const NAME_PART = /^[^.\s]+$/;

/** A securable name of `parts` dot-separated parts, lower-cased. */
function securableName(parts: 1 | 2 | 3, what: string) {
  return z
    .string()
    .transform((s) => s.trim().toLowerCase())
    .refine((s) => {
      const split = s.split('.');
      return split.length === parts && split.every((p) => NAME_PART.test(p));
    }, `expected ${what}`);
}

const CATALOG_NAME = securableName(1, 'a catalog name (one part, no dots or spaces)');
const SCHEMA_NAME = securableName(2, "a schema name 'catalog.schema'");
const TABLE_NAME = securableName(3, "a three-part table name 'catalog.schema.table'");

const id = z.string().min(1, 'expected a non-empty id');

/** `expiresAt`: ms since the epoch, or an ISO-8601 date-time; normalised to ms. */
const timestamp = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

const deltaSchema = z.unknown().transform((value, ctx): DeltaSchema => {
  try {
    // parseDeltaSchema checks an arbitrary JSON value itself (it came from JSON.parse).
    return parseDeltaSchema(value as Parameters<typeof parseDeltaSchema>[0]);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

const tableSchema = z.strictObject({
  name: TABLE_NAME,
  location: z.string().min(1, 'expected a directory path or URL'),
  schema: deltaSchema,
  properties: z.record(z.string(), z.string()).default({}),
});

const principalSchema = z.strictObject({
  id,
  name: z.string().min(1, 'expected a non-empty name'),
  kind: z.enum(['user', 'service']),
  disabled: z.boolean().optional(),
});

const securableSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('catalog'), name: CATALOG_NAME }),
  z.strictObject({ type: z.literal('schema'), name: SCHEMA_NAME }),
  z.strictObject({ type: z.literal('table'), name: TABLE_NAME }),
]);

const grantSchema = z.strictObject({
  principalId: id,
  privilege: z.enum(PRIVILEGES),
  securable: securableSchema,
});

const credentialSchema = z
  .strictObject({
    id,
    principalId: id,
    kind: z.enum(['oauth_client', 'producer_token']),
    tokenHash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/, "expected 'sha256:' and 64 lower-case hex digits")
      .optional(),
    revoked: z.boolean().optional(),
    expiresAt: timestamp.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.kind !== 'producer_token') return;
    if (c.tokenHash === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tokenHash'], message: 'a producer token needs its tokenHash' });
    }
    // Producer tokens read `lsp_<id>_<secret>`: the id ends at the first underscore.
    if (!/^[A-Za-z0-9-]+$/.test(c.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: 'a producer token id is letters, digits and dashes only (no underscore)',
      });
    }
  });

const tokenKeySchema = z.strictObject({
  kid: id,
  alg: z.literal('EdDSA'),
  publicJwk: z.looseObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected the 32-byte public key, base64url'),
    d: z.never('a public key must not carry the private part (d)').optional(),
  }),
});

/** The zod schema of a catalog snapshot (input: the pushed JSON; output: the normalised snapshot). */
export const catalogSnapshotSchema = z
  .strictObject({
    version: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    issuer: z.string().min(1, 'expected the token issuer (iss)'),
    audience: z.string().min(1, 'expected the token audience (aud)'),
    tables: z.array(tableSchema),
    principals: z.array(principalSchema),
    grants: z.array(grantSchema),
    credentials: z.array(credentialSchema),
    tokenKeys: z.array(tokenKeySchema),
  })
  .superRefine((s, ctx) => {
    const unique = (key: 'tables' | 'principals' | 'credentials' | 'tokenKeys', values: string[]) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [key, i], message: `duplicate '${v}'` });
        seen.add(v);
      });
    };
    unique(
      'tables',
      s.tables.map((t) => t.name),
    );
    unique(
      'principals',
      s.principals.map((p) => p.id),
    );
    unique(
      'credentials',
      s.credentials.map((c) => c.id),
    );
    unique(
      'tokenKeys',
      s.tokenKeys.map((k) => k.kid),
    );
    const principals = new Set(s.principals.map((p) => p.id));
    s.grants.forEach((g, i) => {
      if (!principals.has(g.principalId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['grants', i, 'principalId'],
          message: `unknown principal '${g.principalId}'`,
        });
      }
    });
    s.credentials.forEach((c, i) => {
      if (!principals.has(c.principalId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['credentials', i, 'principalId'],
          message: `unknown principal '${c.principalId}'`,
        });
      }
    });
  });

/** A validated, normalised catalog snapshot. */
export type CatalogSnapshot = z.output<typeof catalogSnapshotSchema>;
/** The JSON shape the control plane sends (before normalisation). */
export type CatalogSnapshotInput = z.input<typeof catalogSnapshotSchema>;
/** `tables[2].schema` from a zod issue path. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(snapshot)' : out;
}

/** The outcome of `checkCatalogSnapshot`: the normalised snapshot, or every problem with its path. */
export type SnapshotCheck =
  | { readonly ok: true; readonly snapshot: CatalogSnapshot }
  | { readonly ok: false; readonly problems: readonly string[] };

/**
 * Validates and normalises a snapshot value (parsed JSON). Never throws: a refusal lists every problem with its
 * path, e.g. `tables[0].name: expected a three-part table name …` (the ingest node turns it into its own
 * `ProvisioningError('INVALID_SNAPSHOT')`).
 */
export function checkCatalogSnapshot(value: unknown): SnapshotCheck {
  const result = catalogSnapshotSchema.safeParse(value);
  if (result.success) return { ok: true, snapshot: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`),
  };
}
