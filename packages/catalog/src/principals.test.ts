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
beforeEach(() => {
  catalog = seededCatalog();
});
afterEach(() => catalog.close());

function refusal(fn: () => unknown, code: CatalogErrorCode): string {
  try {
    fn();
  } catch (error) {
    if (isCatalogError(error, code)) return error.message;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

describe('principals', () => {
  test('users carry a role, service principals none', () => {
    const user = createUser(catalog.db, ADMIN, { name: ' ed@example.com ', role: 'editor' });
    expect(user).toMatchObject({ kind: 'user', name: 'ed@example.com', role: 'editor', disabled: false });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(getPrincipal(catalog.db, 'svc')).toMatchObject({
      kind: 'service',
      role: null,
      createdBy: 'admin',
    });
    expect(listPrincipals(catalog.db).map((p) => p.name)).toEqual([
      'admin@example.com',
      'ed@example.com',
      'svc-orders',
    ]);
  });

  test('bad names, ids and roles, and taken names and ids, are refused in words', () => {
    expect(
      refusal(() => createUser(catalog.db, ADMIN, { name: '  ', role: 'viewer' }), 'INVALID_NAME'),
    ).toContain('1 to 255 characters');
    expect(
      refusal(() => createUser(catalog.db, ADMIN, { name: 'x', role: 'owner' as UserRole }), 'INVALID_NAME'),
    ).toBe("unknown role 'owner'; expected admin, editor or viewer");
    expect(
      refusal(() => createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'a b' }), 'INVALID_NAME'),
    ).toContain("principal id 'a b'");
    expect(
      refusal(() => createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'system' }), 'INVALID_NAME'),
    ).toContain('reserved');
    expect(
      refusal(() => createServicePrincipal(catalog.db, ADMIN, { name: 'x', id: 'svc' }), 'ALREADY_EXISTS'),
    ).toBe("principal id 'svc' is taken");
    expect(
      refusal(() => createServicePrincipal(catalog.db, ADMIN, { name: 'svc-orders' }), 'ALREADY_EXISTS'),
    ).toBe("a principal named 'svc-orders' already exists");
    expect(refusal(() => setUserRole(catalog.db, ADMIN, 'svc', 'admin'), 'INVALID_NAME')).toContain(
      'only users have roles',
    );
    expect(refusal(() => setPrincipalDisabled(catalog.db, ADMIN, 'ghost', true), 'NOT_FOUND')).toBe(
      "principal 'ghost' does not exist",
    );
  });

  test('assertRole: viewer < editor < admin; service principals, disabled and unknown users are FORBIDDEN', () => {
    createUser(catalog.db, ADMIN, { id: 'ed', name: 'ed', role: 'editor' });
    const ed = { principalId: 'ed', address: null };
    assertRole(catalog.db, ed, 'viewer');
    assertRole(catalog.db, ed, 'editor');
    expect(refusal(() => assertRole(catalog.db, ed, 'admin'), 'FORBIDDEN')).toBe(
      "'ed' has the editor role; this needs admin",
    );
    assertRole(catalog.db, ADMIN, 'admin');
    assertRole(catalog.db, SYSTEM_ACTOR, 'admin');
    expect(
      refusal(() => assertRole(catalog.db, { principalId: 'svc', address: null }, 'viewer'), 'FORBIDDEN'),
    ).toContain('service principal');
    expect(
      refusal(() => assertRole(catalog.db, { principalId: 'ghost', address: null }, 'viewer'), 'FORBIDDEN'),
    ).toBe("unknown principal 'ghost'");
    setPrincipalDisabled(catalog.db, ADMIN, 'ed', true);
    expect(refusal(() => assertRole(catalog.db, ed, 'viewer'), 'FORBIDDEN')).toBe(
      "principal 'ed' is disabled",
    );
    setUserRole(catalog.db, ADMIN, 'ed', 'admin');
    expect(getPrincipal(catalog.db, 'ed').role).toBe('admin');
  });
});
