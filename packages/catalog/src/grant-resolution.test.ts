import { describe, expect, test } from 'vitest';
import {
  checkWrite,
  decideWrite,
  type Privilege,
  type ResolvedGrant,
  type SecurableGrant,
  type SecurableType,
} from './grant-resolution.js';

/*
 * A differential test of the one grant resolution (used by canWrite and by every ingest node) against an
 * independent statement of the write rule, written as direct look-ups (the way ingest nodes once implemented
 * it on their own): MODIFY on the table, schema or catalog; USE_CATALOG on the catalog; USE_SCHEMA on the schema
 * or catalog; MANAGE standing for each privilege where it is granted.
 */
function oracleAllows(grants: readonly SecurableGrant[], table: string): boolean {
  const [c, s] = table.split('.');
  const catalog = c!;
  const schema = `${c}.${s}`;
  const holds = (privilege: Privilege, type: SecurableType, name: string) =>
    grants.some(
      (g) =>
        (g.privilege === privilege || g.privilege === 'MANAGE') &&
        g.securable.type === type &&
        g.securable.name === name,
    );
  const modify =
    holds('MODIFY', 'table', table) ||
    holds('MODIFY', 'schema', schema) ||
    holds('MODIFY', 'catalog', catalog);
  const useCatalog = holds('USE_CATALOG', 'catalog', catalog);
  const useSchema = holds('USE_SCHEMA', 'schema', schema) || holds('USE_SCHEMA', 'catalog', catalog);
  return modify && useCatalog && useSchema;
}

describe('grant resolution agrees with the written-out rule on every combination of grants', () => {
  const candidates: readonly (readonly [Privilege, SecurableType, string])[] = [
    ['USE_CATALOG', 'catalog', 'main'],
    ['USE_SCHEMA', 'catalog', 'main'],
    ['USE_SCHEMA', 'schema', 'main.sales'],
    ['MODIFY', 'catalog', 'main'],
    ['MODIFY', 'schema', 'main.sales'],
    ['MODIFY', 'table', 'main.sales.orders'],
    ['SELECT', 'table', 'main.sales.orders'],
    ['MANAGE', 'catalog', 'main'],
    ['MANAGE', 'schema', 'main.sales'],
    ['MANAGE', 'table', 'main.sales.orders'],
    ['USE_SCHEMA', 'schema', 'main.hr'],
    ['MODIFY', 'schema', 'main.hr'],
  ];

  test(`all ${2 ** candidates.length} subsets of ${candidates.length} grants, on two tables`, () => {
    const principal = { id: 'svc', name: 'svc', disabled: false };
    let allowedSome = 0;
    for (let mask = 0; mask < 2 ** candidates.length; mask++) {
      const grants: ResolvedGrant[] = candidates
        .filter((_, i) => (mask & (1 << i)) !== 0)
        .map(([privilege, type, name], i) => ({
          id: String(i),
          principalId: 'svc',
          privilege,
          securable: { type, name },
        }));
      for (const table of ['main.sales.orders', 'main.hr.people']) {
        const ours = decideWrite(principal, grants, table, 'svc');
        const theirs = { allowed: oracleAllows(grants, table), reason: 'by the written-out rule' };
        // checkWrite (the ingest node's entry) decides as decideWrite (canWrite's) does.
        expect(checkWrite(principal, grants, table).allowed).toBe(ours.allowed);
        if (ours.allowed !== theirs.allowed) {
          throw new Error(
            `disagree on ${table} with ${JSON.stringify(grants)}: ${ours.reason} / ${theirs.reason}`,
          );
        }
        if (ours.allowed) allowedSome++;
      }
    }
    expect(allowedSome).toBeGreaterThan(0);
  });
});

describe('a grant that means nothing where it is gives nothing', () => {
  const principal = { id: 'svc', name: 'svc', disabled: false };
  const grant = (privilege: Privilege, type: SecurableType, name: string): SecurableGrant => ({
    privilege,
    securable: { type, name },
  });
  const modify = grant('MODIFY', 'table', 'main.sales.orders');

  test('USE_CATALOG on a schema', () => {
    const grants = [
      grant('USE_CATALOG', 'schema', 'main.sales'),
      grant('USE_SCHEMA', 'schema', 'main.sales'),
      modify,
    ];
    const check = checkWrite(principal, grants, 'main.sales.orders');
    expect(check).toEqual({ allowed: false, reason: "principal 'svc' has no USE_CATALOG on catalog 'main'" });
    expect(oracleAllows(grants, 'main.sales.orders')).toBe(false);
  });

  test('USE_SCHEMA on a table', () => {
    const grants = [
      grant('USE_CATALOG', 'catalog', 'main'),
      grant('USE_SCHEMA', 'table', 'main.sales.orders'),
      modify,
    ];
    expect(checkWrite(principal, grants, 'main.sales.orders').allowed).toBe(false);
    expect(oracleAllows(grants, 'main.sales.orders')).toBe(false);
  });
});
