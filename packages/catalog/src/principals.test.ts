import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { SYSTEM_ACTOR } from './audit.js';
import { type CatalogErrorCode, isCatalogError } from './catalog-error.js';
import type { OpenCatalog } from './open-catalog.js';
import {
  assertRole,
  createServicePrincipal,
  createUser,
  getPrincipal,
  listPrincipals,
  setPrincipalDisabled,
  setUserRole,
  type UserRole,
} from './principals.js';
import { ADMIN, seededCatalog } from './test-support/seed.js';

let catalog: OpenCatalog;
beforeEach(async () => {
  catalog = await seededCatalog();
});
afterEach(() => catalog.close());

async function refusal(fn: () => unknown, code: CatalogErrorCode): Promise<string> {
  try {
    await fn();
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

describe('principals', () => {
  test('users carry a role, service principals none', async () => {
    const user = await createUser(catalog.db, ADMIN, { name: ' ed@example.com ', role: 'editor' });
    expect(user).toMatchObject({ kind: 'user', name: 'ed@example.com', role: 'editor', disabled: false });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await getPrincipal(catalog.db, 'svc')).toMatchObject({
      kind: 'service',
      role: null,
      createdBy: 'admin',
    });
    expect((await listPrincipals(catalog.db)).map((p) => p.name)).toEqual([
      'admin@example.com',
      'ed@example.com',
      'svc-orders',
    ]);
  });

  test('bad names, ids and roles, and taken names and ids, are refused in words', async () => {
    expect(
      await refusal(
        async () => await createUser(catalog.db, ADMIN, { name: '  ', role: 'viewer' }),
        'INVALID_NAME',
      ),
    ).toContain('1 to 255 characters');
    expect(
      await refusal(
        async () => await createUser(catalog.db, ADMIN, { name: 'x', role: 'owner' as UserRole }),
        'INVALID_NAME',
      ),
    ).toBe("unknown role 'owner'; expected admin, editor or viewer");
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'a b' }),
        'INVALID_NAME',
      ),
    ).toContain("principal id 'a b'");
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'system' }),
        'INVALID_NAME',
      ),
    ).toContain('reserved');
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'svc' }),
        'ALREADY_EXISTS',
      ),
    ).toBe("principal id 'svc' is taken");
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'svc-orders' }),
        'ALREADY_EXISTS',
      ),
    ).toBe("a principal named 'svc-orders' already exists");
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'SVC-Orders' }),
        'ALREADY_EXISTS',
      ),
    ).toBe("a principal named 'svc-orders' already exists");
    expect(
      await refusal(
        async () => await createServicePrincipal(catalog.db, ADMIN, { name: 'orders producer' }),
        'INVALID_NAME',
      ),
    ).toContain("service principal name 'orders producer'");
    expect(
      await refusal(async () => await setUserRole(catalog.db, ADMIN, 'svc', 'admin'), 'INVALID_NAME'),
    ).toContain('only users have roles');
    expect(
      await refusal(async () => await setPrincipalDisabled(catalog.db, ADMIN, 'ghost', true), 'NOT_FOUND'),
    ).toBe("principal 'ghost' does not exist");
  });

  test('assertRole: viewer < editor < admin; service principals, disabled and unknown users are FORBIDDEN', async () => {
    await createUser(catalog.db, ADMIN, { id: 'ed', name: 'ed', role: 'editor' });
    const ed = { principalId: 'ed', address: null };
    await assertRole(catalog.db, ed, 'viewer');
    await assertRole(catalog.db, ed, 'editor');
    expect(await refusal(async () => await assertRole(catalog.db, ed, 'admin'), 'FORBIDDEN')).toBe(
      "'ed' has the editor role; this needs admin",
    );
    await assertRole(catalog.db, ADMIN, 'admin');
    await assertRole(catalog.db, SYSTEM_ACTOR, 'admin');
    expect(
      await refusal(
        async () => await assertRole(catalog.db, { principalId: 'svc', address: null }, 'viewer'),
        'FORBIDDEN',
      ),
    ).toContain('service principal');
    expect(
      await refusal(
        async () => await assertRole(catalog.db, { principalId: 'ghost', address: null }, 'viewer'),
        'FORBIDDEN',
      ),
    ).toBe("unknown principal 'ghost'");
    await setPrincipalDisabled(catalog.db, ADMIN, 'ed', true);
    expect(await refusal(async () => await assertRole(catalog.db, ed, 'viewer'), 'FORBIDDEN')).toBe(
      "principal 'ed' is disabled",
    );
    await setUserRole(catalog.db, ADMIN, 'ed', 'admin');
    expect((await getPrincipal(catalog.db, 'ed')).role).toBe('admin');
  });
});
