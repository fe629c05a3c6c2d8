import { createDatabase, type PostgresServer, startPostgresServer } from '@lakestream/catalog/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerAs, openTestServices, seedUsers, type TestServices } from '../../../test/support/services';
import { createCaller } from '../root';
import { createContext } from '../trpc';

// The console on a PostgreSQL catalog (LAKESTREAM_DATABASE_URL), through the same routers as on SQLite: one
// real server for this file (Debian's `postgresql`; the test fails, saying so, when it is missing).
let server: PostgresServer;
let t: TestServices;

beforeAll(async () => {
  server = await startPostgresServer();
  t = await openTestServices({ LAKESTREAM_DATABASE_URL: await createDatabase(server.url('postgres')) });
});

afterAll(async () => {
  await t?.close();
  await server?.stop();
});

describe('the console on PostgreSQL', () => {
  it('signs in, creates a catalog, schema and table, grants, and answers canWrite', async () => {
    expect(t.services.catalog.engine).toBe('postgres');
    await seedUsers(t.services);
    const anonymous = callerAs(t.services, null);
    await anonymous.caller.auth.signIn({ email: 'admin@example.com', password: 'password-admin' });
    const token = /lakestream_session=([^;]*)/.exec(anonymous.cookies[0] ?? '')?.[1];
    const request = new Request('http://127.0.0.1:3000/api/trpc/auth.me', {
      headers: { cookie: `lakestream_session=${token}` },
    });
    const admin = createCaller(await createContext(t.services, request, new Headers()));
    expect(await admin.auth.me()).toMatchObject({ id: 'admin', role: 'admin' });

    await admin.catalogs.create({ name: 'main' });
    await admin.catalogs.createSchema({ name: 'main.sales' });
    const table = await admin.tables.create({
      name: 'main.sales.orders',
      columns: [
        { name: 'id', type: 'long', nullable: false },
        { name: 'placed_at', type: 'timestamp' },
      ],
    });
    expect(table.storageLocation).toBe('tables/main/sales/orders');
    await expect(admin.catalogs.create({ name: 'main' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "catalog 'main' already exists",
    });

    const svc = await admin.principals.createServicePrincipal({ name: 'orders-producer' });
    const grant = (
      privilege: 'USE_CATALOG' | 'USE_SCHEMA' | 'MODIFY',
      type: 'catalog' | 'schema' | 'table',
      name: string,
    ) => admin.grants.grant({ principalId: svc.id, privilege, securable: { type, name } });
    await grant('USE_CATALOG', 'catalog', 'main');
    await grant('USE_SCHEMA', 'schema', 'main.sales');
    expect(await admin.grants.canWrite({ principalId: svc.id, table: 'main.sales.orders' })).toMatchObject({
      allowed: false,
    });
    await grant('MODIFY', 'table', 'main.sales.orders');
    expect(await admin.grants.canWrite({ principalId: svc.id, table: 'main.sales.orders' })).toMatchObject({
      allowed: true,
    });
    const snapshot = await t.services.snapshot();
    expect(snapshot.tables.map((x) => x.name)).toEqual(['main.sales.orders']);
    expect(snapshot.grants).toHaveLength(3);
    expect(snapshot.version).toBe(10); // 3 users, catalog, schema, table, service principal, 3 grants
  });
});
