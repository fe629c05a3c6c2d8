import type { Privilege, Securable } from '@lakestream/catalog';
import { z } from 'zod';
import { OAuthError } from './oauth-error';

/** One privilege asked for on one securable. */
export interface RequestedPrivilege {
  readonly privilege: Privilege;
  readonly securable: Securable;
}

/** A parsed client-credentials token request. */
export interface TokenRequest {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scope: string | undefined;
  readonly resource: string | undefined;
  /** Every privilege asked for through `authorization_details` (may be empty). */
  readonly requested: readonly RequestedPrivilege[];
}

const OBJECT_TYPES = { CATALOG: 'catalog', SCHEMA: 'schema', TABLE: 'table' } as const;
/** Unity Catalog spells privileges with a space (`USE CATALOG`); the catalog with an underscore. */
const PRIVILEGES: Record<string, Privilege> = {
  USE_CATALOG: 'USE_CATALOG',
  USE_SCHEMA: 'USE_SCHEMA',
  SELECT: 'SELECT',
  MODIFY: 'MODIFY',
  MANAGE: 'MANAGE',
  ALL_PRIVILEGES: 'MANAGE',
};
/** What the newer SDKs' `operations` mean in privileges (`zerobuswrite`: writing to the table). */
const OPERATIONS: Record<string, Privilege> = { ZEROBUSWRITE: 'MODIFY' };

const detailSchema = z.looseObject({
  type: z.string(),
  object_type: z.string().transform((s) => s.trim().toUpperCase()),
  object_full_path: z.string().min(1),
  privileges: z.array(z.string()).default([]),
  operations: z.array(z.string()).default([]),
});

/**
 * The privileges asked for by `authorization_details` (a JSON array of `{type: 'unity_catalog_privileges',
 * object_type: 'CATALOG'|'SCHEMA'|'TABLE', object_full_path, privileges: ['USE CATALOG', …], operations?:
 * ['zerobuswrite']}`). Privileges are read case-insensitively with a space or an underscore; `operations`
 * (newer SDKs) map to the privilege they need. Throws `OAuthError` 400 `invalid_request` saying what is wrong.
 */
export function parseAuthorizationDetails(text: string | undefined): RequestedPrivilege[] {
  if (text === undefined || text.trim() === '') return [];
  const bad = (why: string) => new OAuthError(400, 'invalid_request', `authorization_details: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  const parsed = z.array(detailSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bad(
      `expected an array of {type, object_type, object_full_path, privileges}; ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const requested: RequestedPrivilege[] = [];
  parsed.data.forEach((detail, i) => {
    if (detail.type !== 'unity_catalog_privileges') {
      throw bad(`[${i}].type '${detail.type}' is not supported; expected 'unity_catalog_privileges'`);
    }
    const type = OBJECT_TYPES[detail.object_type as keyof typeof OBJECT_TYPES];
    if (type === undefined) {
      throw bad(`[${i}].object_type '${detail.object_type}' is not CATALOG, SCHEMA or TABLE`);
    }
    const securable: Securable = { type, name: detail.object_full_path.trim().toLowerCase() };
    for (const raw of detail.privileges) {
      const privilege = PRIVILEGES[raw.trim().toUpperCase().replace(/\s+/g, '_')];
      if (privilege === undefined) throw bad(`[${i}]: unknown privilege '${raw}'`);
      requested.push({ privilege, securable });
    }
    for (const raw of detail.operations) {
      const privilege = OPERATIONS[raw.trim().toUpperCase()];
      if (privilege === undefined) throw bad(`[${i}]: unknown operation '${raw}'`);
      requested.push({ privilege, securable });
    }
  });
  return requested;
}

/** `Authorization: Basic base64(id:secret)`, each part form-url-decoded (RFC 6749 §2.3.1). */
function basicCredentials(header: string | null): { id: string; secret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const part = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
  try {
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/**
 * Reads a token request: POST, `application/x-www-form-urlencoded` body with `grant_type=client_credentials`,
 * the client authenticated by HTTP Basic (or, failing that, `client_id`/`client_secret` in the body). Throws
 * `OAuthError`: 400 `invalid_request`/`unsupported_grant_type`, 401 `invalid_client` (no credentials).
 */
export async function parseTokenRequest(request: Request): Promise<TokenRequest> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(await request.text());
  const grantType = form.get('grant_type');
  if (grantType !== 'client_credentials') {
    throw new OAuthError(
      400,
      grantType === null ? 'invalid_request' : 'unsupported_grant_type',
      grantType === null
        ? 'grant_type is missing'
        : `grant_type '${grantType}' is not supported; use client_credentials`,
    );
  }
  const basic = basicCredentials(request.headers.get('authorization'));
  const clientId = basic?.id ?? form.get('client_id');
  const clientSecret = basic?.secret ?? form.get('client_secret');
  if (clientId === null || clientSecret === null || clientId === '' || clientSecret === '') {
    throw new OAuthError(
      401,
      'invalid_client',
      'client authentication required: HTTP Basic client_id:client_secret',
    );
  }
  return {
    clientId,
    clientSecret,
    scope: form.get('scope') ?? undefined,
    resource: form.get('resource') ?? undefined,
    requested: parseAuthorizationDetails(form.get('authorization_details') ?? undefined),
  };
}
