import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCatalog,
  createCredential,
  createSchema,
  createServicePrincipal,
  createTable,
  grantPrivilege,
  grantProducerAccess,
  listAuditLog,
  mayStream,
  type Privilege,
  revokeCredential,
  SYSTEM_ACTOR,
  setPrincipalDisabled,
} from '@lakestream/catalog';
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebServices } from '../src/server/services';

const dataDir = mkdtempSync(join(tmpdir(), 'lakestream-oauth-'));
let POST: (request: Request) => Promise<Response>;
let services: WebServices;
let producer: { clientId: string; clientSecret: string };
let principalId: string;

const TABLE = 'main.sales.orders';
const details = (privileges: string[] = ['SELECT', 'MODIFY'], extra: Record<string, unknown> = {}) =>
  JSON.stringify([
    {
      type: 'unity_catalog_privileges',
      privileges: ['USE CATALOG'],
      object_type: 'CATALOG',
      object_full_path: 'main',
    },
    {
      type: 'unity_catalog_privileges',
      privileges: ['USE SCHEMA'],
      object_type: 'SCHEMA',
      object_full_path: 'main.sales',
    },
    { type: 'unity_catalog_privileges', privileges, object_type: 'TABLE', object_full_path: TABLE, ...extra },
  ]);

function tokenRequest(
  id: string,
  secret: string,
  form: Record<string, string> = {},
  headers: Record<string, string> = {},
): Request {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: 'all-apis',
    resource: 'api://databricks/workspaces/1/zerobusDirectWriteApi',
    authorization_details: details(),
    ...form,
  });
  return new Request('http://127.0.0.1:3000/oidc/v1/token', {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body,
  });
}

beforeAll(async () => {
  process.env.LAKESTREAM_DATA_DIR = dataDir;
  process.env.LAKESTREAM_PUBLIC_URL = 'http://127.0.0.1:3000/';
  process.env.LAKESTREAM_TOKEN_AUDIENCE = 'lakestream-ingest';
  ({ POST } = await import('../app/oidc/v1/token/route'));
  const { getServices } = await import('../src/server/services');
  services = await getServices();
  const db = services.db;
  await createCatalog(db, SYSTEM_ACTOR, { name: 'main' });
  await createSchema(db, SYSTEM_ACTOR, { name: 'main.sales' });
  await createTable(db, SYSTEM_ACTOR, { name: TABLE, columns: [{ name: 'id', type: 'long' }] });
  principalId = (await createServicePrincipal(db, SYSTEM_ACTOR, { name: 'orders-producer' })).id;
  const grant = async (privilege: Privilege, type: 'catalog' | 'schema' | 'table', name: string) =>
    await grantPrivilege(db, SYSTEM_ACTOR, { principalId, privilege, securable: { type, name } });
  await grant('USE_CATALOG', 'catalog', 'main');
  await grant('USE_SCHEMA', 'schema', 'main.sales');
  await grant('MODIFY', 'table', TABLE);
  await grant('SELECT', 'schema', 'main.sales');
  producer = await createCredential(db, SYSTEM_ACTOR, principalId);
});

afterAll(async () => {
  await services.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('POST /oidc/v1/token', () => {
  it('records tokens issued and refused in the audit log (never the secret)', async () => {
    expect((await POST(tokenRequest(producer.clientId, producer.clientSecret))).status).toBe(200);
    expect((await listAuditLog(services.db, { limit: 1 }))[0]).toMatchObject({
      action: 'token.issue',
      actorId: principalId,
      targetType: 'credential',
      target: producer.clientId,
      details: { expiresIn: 3600, scope: 'all-apis' },
    });
    expect((await POST(tokenRequest(producer.clientId, 'lss_wrong'))).status).toBe(401);
    const refused = (await listAuditLog(services.db, { limit: 1 }))[0]!;
    expect(refused).toMatchObject({
      action: 'token.refuse',
      actorId: 'anonymous',
      target: producer.clientId,
      details: { status: 401, error: 'invalid_client' },
    });
    // Privileges beyond the grants: the principal is known, the refusal is 403.
    expect(
      (
        await POST(
          tokenRequest(producer.clientId, producer.clientSecret, {
            authorization_details: details(['MODIFY', 'MANAGE']),
          }),
        )
      ).status,
    ).toBe(403);
    expect((await listAuditLog(services.db, { limit: 1 }))[0]).toMatchObject({
      action: 'token.refuse',
      actorId: principalId,
      details: { status: 403, error: 'access_denied' },
    });
    expect(JSON.stringify(await listAuditLog(services.db, { limit: 5 }))).not.toContain(
      producer.clientSecret,
    );
  });

  it('issues an Ed25519 JWT that verifies against the published key with the right claims', async () => {
    const response = await POST(tokenRequest(producer.clientId, producer.clientSecret));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    const [published] = (await services.snapshot()).tokenKeys;
    expect(published).toBeDefined();
    expect(decodeProtectedHeader(body.access_token)).toMatchObject({ alg: 'EdDSA', kid: published!.kid });
    const key = await importJWK({ ...published!.publicJwk }, 'EdDSA');
    const { payload } = await jwtVerify(body.access_token, key, {
      issuer: 'http://127.0.0.1:3000',
      audience: 'lakestream-ingest',
      algorithms: ['EdDSA'],
    });
    expect(payload).toMatchObject({ sub: principalId, client_id: producer.clientId, scope: 'all-apis' });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(JSON.stringify(body)).not.toContain(producer.clientSecret);
    // The private key is on disk, owner-only; the snapshot carries only the public half.
    expect(statSync(join(dataDir, 'oauth-signing-key.pem')).mode & 0o777).toBe(0o600);
    expect(JSON.stringify(published)).not.toContain('"d"');
  });

  it('accepts the newer form with operations, and no authorization_details at all', async () => {
    const withOps = await POST(
      tokenRequest(producer.clientId, producer.clientSecret, {
        authorization_details: details(['SELECT', 'MODIFY'], { operations: ['zerobuswrite'] }),
      }),
    );
    expect(withOps.status).toBe(200);
    const bare = await POST(
      tokenRequest(producer.clientId, producer.clientSecret, { authorization_details: '' }),
    );
    expect(bare.status).toBe(200);
  });

  it('refuses a wrong secret or unknown client with 401 invalid_client', async () => {
    for (const [id, secret] of [
      [producer.clientId, 'lss_wrong'],
      ['lsc-00000000000000000000', producer.clientSecret],
    ] as const) {
      const response = await POST(tokenRequest(id, secret));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
      expect(await response.json()).toEqual({
        error: 'invalid_client',
        error_description: 'unknown client id or wrong client secret',
      });
    }
    const none = await POST(
      new Request('http://127.0.0.1:3000/oidc/v1/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
    );
    expect(none.status).toBe(401);
  });

  it('refuses a request beyond the grants with 403 naming what is missing', async () => {
    const response = await POST(
      tokenRequest(producer.clientId, producer.clientSecret, {
        authorization_details: details(['MODIFY', 'MANAGE']),
      }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'access_denied',
      error_description:
        "the client's principal lacks what it asked for: MANAGE on table 'main.sales.orders'; an editor can grant them in the console (Grants → \"Grant producer access\")",
    });
    const other = JSON.stringify([
      {
        type: 'unity_catalog_privileges',
        privileges: ['MODIFY'],
        object_type: 'TABLE',
        object_full_path: 'main.sales.nope',
      },
    ]);
    const unknown = await POST(
      tokenRequest(producer.clientId, producer.clientSecret, { authorization_details: other }),
    );
    expect(unknown.status).toBe(403);
    expect(((await unknown.json()) as { error_description: string }).error_description).toContain(
      "table 'main.sales.nope' does not exist",
    );
  });

  it('refuses the SDK request of a principal with MODIFY alone, naming each missing privilege once, as mayStream does', async () => {
    const db = services.db;
    const modifyOnly = (await createServicePrincipal(db, SYSTEM_ACTOR, { name: 'modify-only' })).id;
    await grantPrivilege(db, SYSTEM_ACTOR, {
      principalId: modifyOnly,
      privilege: 'MODIFY',
      securable: { type: 'table', name: TABLE },
    });
    const credential = await createCredential(db, SYSTEM_ACTOR, modifyOnly);
    // What the SDK sends: MODIFY as a privilege and again as the zerobuswrite operation.
    const response = await POST(
      tokenRequest(credential.clientId, credential.clientSecret, {
        authorization_details: details(['SELECT', 'MODIFY'], { operations: ['zerobuswrite'] }),
      }),
    );
    expect(response.status).toBe(403);
    const missing = [
      "USE_CATALOG on catalog 'main'",
      "USE_SCHEMA on schema 'main.sales'",
      `SELECT on table '${TABLE}'`,
      `MODIFY on table '${TABLE}'`,
    ].filter((m) => !m.startsWith('MODIFY'));
    expect(((await response.json()) as { error_description: string }).error_description).toBe(
      `the client's principal lacks what it asked for: ${missing.join('; ')}; an editor can grant them in the console (Grants → "Grant producer access")`,
    );
    expect(await mayStream(db, modifyOnly, TABLE)).toMatchObject({ allowed: false, missing });
    await grantProducerAccess(db, SYSTEM_ACTOR, { principalId: modifyOnly, table: TABLE });
    expect((await mayStream(db, modifyOnly, TABLE)).allowed).toBe(true);
    const granted = await POST(
      tokenRequest(credential.clientId, credential.clientSecret, {
        authorization_details: details(['SELECT', 'MODIFY'], { operations: ['zerobuswrite'] }),
      }),
    );
    expect(granted.status).toBe(200);
  });

  it('names a missing MODIFY once though the SDK asks for it twice', async () => {
    const db = services.db;
    const selectOnly = (await createServicePrincipal(db, SYSTEM_ACTOR, { name: 'select-only' })).id;
    const credential = await createCredential(db, SYSTEM_ACTOR, selectOnly);
    const response = await POST(
      tokenRequest(credential.clientId, credential.clientSecret, {
        authorization_details: details(['MODIFY'], { operations: ['zerobuswrite'] }),
      }),
    );
    const text = ((await response.json()) as { error_description: string }).error_description;
    expect(text.match(/MODIFY on table/g)).toHaveLength(1);
  });

  it('refuses malformed requests with 400', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ grant_type: 'password' }, 'unsupported_grant_type'],
      [{ authorization_details: '{' }, 'invalid_request'],
      [{ authorization_details: details(['FLY']) }, 'invalid_request'],
      [{ authorization_details: details(['MODIFY'], { operations: ['zerobusdelete'] }) }, 'invalid_request'],
    ];
    for (const [form, error] of cases) {
      const response = await POST(tokenRequest(producer.clientId, producer.clientSecret, form));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe(error);
    }
    const json = await POST(
      tokenRequest(producer.clientId, producer.clientSecret, {}, { 'content-type': 'application/json' }),
    );
    expect(json.status).toBe(400);
  });

  it('refuses revoked and expired credentials (401) and a disabled principal (403)', async () => {
    const revoked = await createCredential(services.db, SYSTEM_ACTOR, principalId);
    await revokeCredential(services.db, SYSTEM_ACTOR, revoked.clientId);
    const r = await POST(tokenRequest(revoked.clientId, revoked.clientSecret));
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({
      error_description: `credential '${revoked.clientId}' is revoked`,
    });

    const expiring = await createCredential(services.db, SYSTEM_ACTOR, principalId, {
      expiresAt: Date.now() + 300,
    });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const e = await POST(tokenRequest(expiring.clientId, expiring.clientSecret));
    expect(e.status).toBe(401);
    expect(((await e.json()) as { error_description: string }).error_description).toMatch(/expired at/);

    await setPrincipalDisabled(services.db, SYSTEM_ACTOR, principalId, true);
    try {
      const d = await POST(tokenRequest(producer.clientId, producer.clientSecret));
      expect(d.status).toBe(403);
    } finally {
      await setPrincipalDisabled(services.db, SYSTEM_ACTOR, principalId, false);
    }
  });
});
