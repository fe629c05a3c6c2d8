import { TRPCError } from '@trpc/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { inputErrorMessage } from '../input-errors';

let t: TestServices;

/** The sentence a refused input reaches the client with (the error formatter's `inputErrorMessage`). */
async function refusedInput(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => new Error('expected the input to be refused'),
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError) || error.code !== 'BAD_REQUEST' || !(error.cause instanceof ZodError)) {
    throw error;
  }
  return inputErrorMessage(error.cause);
}
const as = (id: string | null) => callerAs(t.services, id).caller;

beforeEach(async () => {
  t = await openTestServices();
  await seedUsers(t.services);
  const editor = as('editor');
  await editor.catalogs.create({ name: 'main', comment: 'the lake' });
  await editor.catalogs.createSchema({ name: 'main.sales' });
  await editor.tables.create({
    name: 'main.sales.orders',
    columns: [
      { name: 'id', type: 'long', nullable: false },
      {
        name: 'lines',
        type: { type: 'array', elementType: { type: 'struct', fields: [{ name: 'sku', type: 'string' }] } },
      },
    ],
  });
});
afterEach(() => t.close());

describe('catalogs and tables routers', () => {
  it('lists, searches and gets tables with their schema; viewers may read', async () => {
    const viewer = as('viewer');
    expect((await viewer.catalogs.list()).map((c) => c.name)).toEqual(['main']);
    expect((await viewer.catalogs.schemas({ catalog: 'main' })).map((s) => s.name)).toEqual(['main.sales']);
    expect((await viewer.tables.list()).map((x) => x.name)).toEqual(['main.sales.orders']);
    expect(await viewer.tables.list({ search: 'ORD' })).toHaveLength(1);
    expect(await viewer.tables.list({ search: 'nope' })).toHaveLength(0);
    expect(await viewer.tables.list({ scope: 'main.sales' })).toHaveLength(1);
    const table = await viewer.tables.get({ name: 'Main.Sales.Orders' });
    expect(table.deltaSchema.fields.map((f) => f.name)).toEqual(['id', 'lines']);
    expect((await viewer.tables.proto({ name: 'main.sales.orders' })).proto).toContain(
      'repeated Lines lines = 2;',
    );
    const snippets = await viewer.tables.snippets({ name: 'main.sales.orders' });
    expect(snippets.endpoint).toBe('http://127.0.0.1:50051');
    expect(snippets.typescript).toContain(
      `new ZerobusSdk("http://127.0.0.1:50051", "http://127.0.0.1:3000")`,
    );
    expect(snippets.typescript).toContain(`{ tableName: "main.sales.orders" }`);
    expect(snippets.python).toContain('TableProperties("main.sales.orders")');
    expect(snippets.rust).toContain('.table("main.sales.orders")');
    await expect(viewer.tables.get({ name: 'main.sales.nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "table 'main.sales.nope' does not exist",
    });
  });

  it('refuses anonymous reads and viewer changes', async () => {
    await expect(as(null).tables.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as(null).catalogs.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(as(null).tables.proto({ name: 'main.sales.orders' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    const viewer = as('viewer');
    await expect(
      viewer.tables.create({ name: 'main.sales.x', columns: [{ name: 'a', type: 'long' }] }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: "'viewer@example.com' has the viewer role; this needs editor",
    });
    await expect(viewer.catalogs.create({ name: 'other' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(viewer.catalogs.createSchema({ name: 'main.other' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('maps catalog refusals: bad types, duplicates, unknown schema, proto-less types', async () => {
    const editor = as('editor');
    await expect(
      editor.tables.create({ name: 'main.sales.orders', columns: [{ name: 'a', type: 'long' }] }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(
      editor.tables.create({ name: 'main.nope.t', columns: [{ name: 'a', type: 'long' }] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      editor.tables.create({ name: 'main.sales.t', columns: [{ name: 'a', type: 'strin' }] }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("column a: unknown type 'strin'"),
    });
    await expect(editor.tables.create({ name: 'main.sales.t', columns: [] })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('a table needs at least one column'),
    });
    await editor.tables.create({
      name: 'main.sales.money',
      columns: [{ name: 'amount', type: 'decimal(10,2)' }],
    });
    await expect(editor.tables.proto({ name: 'main.sales.money' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining("column amount: no protobuf type for 'decimal(10,2)'"),
    });
  });
});

describe('principals, credentials, grants and audit routers', () => {
  it('admins manage principals; editors and viewers cannot', async () => {
    const admin = as('admin');
    const user = await admin.principals.createUser({
      email: 'new@example.com',
      role: 'viewer',
      password: 'a fine password',
    });
    expect(user).toMatchObject({ kind: 'user', role: 'viewer' });
    expect(
      await as(null).auth.signIn({ email: 'new@example.com', password: 'a fine password' }),
    ).toMatchObject({
      id: user.id,
    });
    const svc = await admin.principals.createServicePrincipal({ name: 'orders-producer' });
    expect((await admin.principals.list({ kind: 'service' })).map((p) => p.name)).toEqual([
      'orders-producer',
    ]);
    expect(await as('viewer').principals.get({ id: svc.id })).toMatchObject({ name: 'orders-producer' });
    expect(await admin.principals.setRole({ id: user.id, role: 'editor' })).toMatchObject({ role: 'editor' });
    expect(await admin.principals.setDisabled({ id: svc.id, disabled: true })).toMatchObject({
      disabled: true,
    });
    await admin.principals.setPassword({ id: user.id, password: 'another password' });
    await expect(
      as(null).auth.signIn({ email: 'new@example.com', password: 'a fine password' }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect(
      await as(null).auth.signIn({ email: 'new@example.com', password: 'another password' }),
    ).toMatchObject({ id: user.id });
    expect(await refusedInput(admin.principals.setPassword({ id: user.id, password: 'short' }))).toBe(
      "'password': at least 8 characters.",
    );
    await expect(
      admin.principals.setPassword({ id: svc.id, password: 'another password' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(admin.principals.setRole({ id: 'admin', role: 'viewer' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(admin.principals.setDisabled({ id: 'admin', disabled: true })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(admin.principals.createServicePrincipal({ name: 'orders-producer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(admin.principals.createServicePrincipal({ name: 'Orders-Producer' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await refusedInput(admin.principals.createServicePrincipal({ name: 'orders producer' }))).toBe(
      "'name': service principal name 'orders producer' must start with a letter or digit and hold only letters, digits, '_', '-' and '.'.",
    );

    for (const who of ['editor', 'viewer']) {
      const c = as(who);
      await expect(c.principals.createServicePrincipal({ name: 'x' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(
        c.principals.createUser({ email: 'x@example.com', role: 'admin', password: 'whatever-pw' }),
      ).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await expect(c.principals.setRole({ id: who, role: 'admin' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(c.principals.setDisabled({ id: 'admin', disabled: true })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(c.principals.setPassword({ id: 'admin', password: 'hijacked-pw' })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    await expect(as(null).principals.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('credentials: the secret is returned once by create/rotate, never listed; admins only', async () => {
    const admin = as('admin');
    const svc = await admin.principals.createServicePrincipal({ name: 'producer' });
    const issued = await admin.credentials.create({ principalId: svc.id });
    expect(issued.clientId).toMatch(/^lsc-[0-9a-f]{20}$/);
    expect(issued.clientSecret).toMatch(/^lss_/);
    const listed = await as('viewer').credentials.list({ principalId: svc.id });
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(issued.clientSecret);
    expect(listed[0]).toMatchObject({
      clientId: issued.clientId,
      status: 'active',
      secretHint: issued.clientSecret.slice(-4),
    });
    const rotated = await admin.credentials.rotate({ clientId: issued.clientId });
    expect(rotated.clientSecret).not.toBe(issued.clientSecret);
    expect(await admin.credentials.revoke({ clientId: issued.clientId })).toMatchObject({
      status: 'revoked',
    });
    expect(await admin.credentials.get({ clientId: issued.clientId })).toMatchObject({ status: 'revoked' });
    await expect(admin.credentials.rotate({ clientId: issued.clientId })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await expect(admin.credentials.create({ principalId: 'ghost' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    for (const who of ['editor', 'viewer']) {
      const c = as(who);
      await expect(c.credentials.create({ principalId: svc.id })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(c.credentials.rotate({ clientId: issued.clientId })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
      await expect(c.credentials.revoke({ clientId: issued.clientId })).rejects.toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    await expect(as(null).credentials.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('grants: "may stream" is what the SDK token request needs; "grant producer access" fixes it (editors only, audited)', async () => {
    const svc = await as('admin').principals.createServicePrincipal({ name: 'producer' });
    const editor = as('editor');
    const viewer = as('viewer');
    const table = 'main.sales.orders';
    await editor.grants.grant({
      principalId: svc.id,
      privilege: 'MODIFY',
      securable: { type: 'table', name: table },
    });
    const before = await viewer.grants.mayStream({ principalId: svc.id, table });
    expect(before).toMatchObject({
      allowed: false,
      fixable: true,
      missing: [
        "USE_CATALOG on catalog 'main'",
        "USE_SCHEMA on schema 'main.sales'",
        `SELECT on table '${table}'`,
      ],
    });
    await expect(viewer.grants.grantProducerAccess({ principalId: svc.id, table })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const added = await editor.grants.grantProducerAccess({ principalId: svc.id, table });
    expect(added.map((g) => g.privilege)).toEqual(['USE_CATALOG', 'USE_SCHEMA', 'SELECT']);
    expect(await viewer.grants.mayStream({ principalId: svc.id, table })).toMatchObject({ allowed: true });
    const audit = await as('admin').audit.list({});
    expect(audit.filter((e) => e.details.producerAccess === table)).toHaveLength(3);
    await expect(
      editor.grants.grantProducerAccess({ principalId: svc.id, table: 'main.sales.nope' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('grants: editors grant and revoke, everyone signed in reads effective permissions with reasons', async () => {
    const svc = await as('admin').principals.createServicePrincipal({ name: 'producer' });
    const editor = as('editor');
    const on = (type: 'catalog' | 'schema' | 'table', name: string) => ({ type, name });
    await editor.grants.grant({
      principalId: svc.id,
      privilege: 'USE_CATALOG',
      securable: on('catalog', 'main'),
    });
    await editor.grants.grant({
      principalId: svc.id,
      privilege: 'MANAGE',
      securable: on('schema', 'main.sales'),
    });
    const viewer = as('viewer');
    expect(await viewer.grants.list({ principalId: svc.id })).toHaveLength(2);
    expect(await viewer.grants.canWrite({ principalId: svc.id, table: 'main.sales.orders' })).toMatchObject({
      allowed: true,
    });
    const effective = await viewer.grants.effective({
      principalId: svc.id,
      securable: on('table', 'main.sales.orders'),
    });
    expect(effective.find((p) => p.privilege === 'MODIFY')?.reason).toBe(
      "MANAGE on schema 'main.sales' implies MODIFY, inherited by table 'main.sales.orders'",
    );
    await editor.grants.revoke({
      principalId: svc.id,
      privilege: 'USE_CATALOG',
      securable: on('catalog', 'main'),
    });
    expect((await viewer.grants.canWrite({ principalId: svc.id, table: 'main.sales.orders' })).allowed).toBe(
      false,
    );
    await expect(
      editor.grants.grant({
        principalId: svc.id,
        privilege: 'USE_CATALOG',
        securable: on('table', 'main.sales.orders'),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('cannot be granted on a table'),
    });
    await expect(
      viewer.grants.grant({ principalId: svc.id, privilege: 'MODIFY', securable: on('catalog', 'main') }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      viewer.grants.revoke({
        principalId: svc.id,
        privilege: 'MANAGE',
        securable: on('schema', 'main.sales'),
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).grants.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('audit: admins list every change with its actor and address, filtered; others cannot', async () => {
    const admin = as('admin');
    const all = await admin.audit.list();
    expect(all.map((e) => e.action)).toEqual([
      'table.create',
      'schema.create',
      'catalog.create',
      ...all.slice(3).map((e) => e.action),
    ]);
    expect(all[0]).toMatchObject({
      actorId: 'editor',
      fromAddress: '192.0.2.10',
      target: 'main.sales.orders',
    });
    expect(await admin.audit.list({ targetType: 'catalog' })).toHaveLength(1);
    expect(await admin.audit.list({ actorId: 'editor', limit: 2 })).toHaveLength(2);
    expect(await admin.audit.list({ beforeId: all[0]!.id, target: 'main.sales' })).toHaveLength(1);
    await expect(as('editor').audit.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).audit.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('nodes: with none registered the list is empty; push is for admins', async () => {
    expect(await as('viewer').nodes.list()).toEqual({
      catalogVersion: expect.any(Number),
      nodes: [],
      registered: [],
      missedBeats: 3,
    });
    expect(await as('admin').nodes.push()).toEqual({ nodes: [] });
    await expect(as('editor').nodes.push()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(null).nodes.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
