/*
 * Grant resolution, pure (no database): Unity Catalog's rules, in one implementation — the catalog's `canWrite`
 * and every ingest node's view of the provisioned snapshot (apps/ingest/src/catalog/create-catalog-view.ts)
 * decide with `checkWrite` below.
 *
 * - A privilege granted on a catalog or schema is inherited by everything below it.
 * - MANAGE implies every privilege that may be granted where it is granted (and so, inherited, below it).
 * - USE_CATALOG may be granted on catalogs only, USE_SCHEMA on catalogs and schemas; MODIFY, SELECT and MANAGE
 *   anywhere.
 * - Writing to `c.s.t` needs MODIFY (on the table, `c.s` or `c`) AND USE_CATALOG on `c` AND USE_SCHEMA on `c.s`
 *   or `c`, by an existing, enabled principal.
 */

/** The privileges a grant may carry. */
export const PRIVILEGES = ['USE_CATALOG', 'USE_SCHEMA', 'MODIFY', 'SELECT', 'MANAGE'] as const;
/** One privilege. */
export type Privilege = (typeof PRIVILEGES)[number];

/** The kinds of securable, outermost first. */
export const SECURABLE_TYPES = ['catalog', 'schema', 'table'] as const;
/** A kind of securable. */
export type SecurableType = (typeof SECURABLE_TYPES)[number];

/** A catalog (`c`), schema (`c.s`) or table (`c.s.t`), by its full lower-case name. */
export interface Securable {
  readonly type: SecurableType;
  readonly name: string;
}

/** What resolution reads of a grant: the privilege and the securable it is granted on (names lower-case). */
export interface SecurableGrant {
  readonly privilege: Privilege;
  readonly securable: Securable;
}

/** A grant with its securable named. */
export interface ResolvedGrant extends SecurableGrant {
  readonly id: string;
  readonly principalId: string;
}

/** One privilege a principal holds on a securable, the grant it comes from, and why, in words. */
export interface EffectivePermission<G extends SecurableGrant = ResolvedGrant> {
  readonly privilege: Privilege;
  readonly grant: G;
  /** True when the grant is on an ancestor (the catalog or schema above). */
  readonly inherited: boolean;
  readonly reason: string;
}

/** The answer to "may this principal write to this table?", with the reason in words. */
export interface WriteDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** The principal facts resolution needs. */
export interface PrincipalFacts {
  readonly id: string;
  readonly name: string;
  readonly disabled: boolean;
}

const GRANTABLE_ON: Record<Privilege, readonly SecurableType[]> = {
  USE_CATALOG: ['catalog'],
  USE_SCHEMA: ['catalog', 'schema'],
  MODIFY: SECURABLE_TYPES,
  SELECT: SECURABLE_TYPES,
  MANAGE: SECURABLE_TYPES,
};

/** Whether `privilege` may be granted on a securable of `type` (USE_CATALOG on catalogs only, …). */
export function isGrantableOn(privilege: Privilege, type: SecurableType): boolean {
  return GRANTABLE_ON[privilege].includes(type);
}

/** The securable and those above it, outermost first: `c.s.t` → catalog `c`, schema `c.s`, table `c.s.t`. */
export function securableChain(securable: Securable): Securable[] {
  const parts = securable.name.split('.');
  const depth = SECURABLE_TYPES.indexOf(securable.type) + 1;
  return SECURABLE_TYPES.slice(0, depth).map((type, i) => ({ type, name: parts.slice(0, i + 1).join('.') }));
}

const describe = (s: Securable) => `${s.type} '${s.name}'`;

/**
 * Every privilege the grants give on `target` (a grant of a privilege not grantable on its securable gives
 * nothing), each with the grant it comes from and the reason in words, most
 * basic privilege first and, for one privilege, the outermost grant first. `grants` are one principal's.
 */
export function resolvePermissions<G extends SecurableGrant>(
  grants: readonly G[],
  target: Securable,
): EffectivePermission<G>[] {
  const chain = securableChain(target);
  const depthOf = (s: Securable) => chain.findIndex((c) => c.type === s.type && c.name === s.name);
  const out: (EffectivePermission<G> & { depth: number })[] = [];
  for (const grant of grants) {
    const depth = depthOf(grant.securable);
    // A grant that means nothing where it is (USE_CATALOG on a schema): the catalog refuses to store one, but a
    // provisioned snapshot may carry it, and it gives nothing.
    if (depth < 0 || !isGrantableOn(grant.privilege, grant.securable.type)) continue;
    const inherited = depth < chain.length - 1;
    const implied =
      grant.privilege === 'MANAGE'
        ? PRIVILEGES.filter((p) => isGrantableOn(p, grant.securable.type))
        : [grant.privilege];
    for (const privilege of implied) {
      const source =
        privilege === grant.privilege
          ? `${privilege} granted on ${describe(grant.securable)}`
          : `MANAGE on ${describe(grant.securable)} implies ${privilege}`;
      const reason = inherited ? `${source}, inherited by ${describe(target)}` : source;
      out.push({ privilege, grant, inherited, reason, depth });
    }
  }
  out.sort((a, b) => PRIVILEGES.indexOf(a.privilege) - PRIVILEGES.indexOf(b.privilege) || a.depth - b.depth);
  return out.map(({ depth: _, ...p }) => p);
}

/** `'svc'`, or `'orders-producer' (id 'svc')` when the name differs from the id: how reasons name a principal. */
export function principalLabel(p: PrincipalFacts): string {
  return p.name === p.id ? `'${p.id}'` : `'${p.name}' (id '${p.id}')`;
}

/**
 * The grant check of a write by a known principal: refused with the reason in words (disabled, or every missing
 * privilege), or allowed with the permission that gives each of MODIFY, USE_CATALOG and USE_SCHEMA — the most
 * specific one (the table's own over its schema's over its catalog's). Callers word the allowed reason.
 */
export type WriteCheck<G extends SecurableGrant = SecurableGrant> =
  | { readonly allowed: false; readonly reason: string }
  | {
      readonly allowed: true;
      /** `principal 'svc'`: the subject of a reason. */
      readonly who: string;
      readonly modify: EffectivePermission<G>;
      readonly useCatalog: EffectivePermission<G>;
      readonly useSchema: EffectivePermission<G>;
    };

/**
 * Whether `principal` may write to `table` (a parsed, lower-case `c.s.t`) by `grants` (the principal's): it must
 * be enabled and hold MODIFY on the table, `c.s` or `c`, USE_CATALOG on `c` and USE_SCHEMA on `c.s` or `c`.
 */
export function checkWrite<G extends SecurableGrant>(
  principal: PrincipalFacts,
  grants: readonly G[],
  table: string,
): WriteCheck<G> {
  const who = `principal ${principalLabel(principal)}`;
  if (principal.disabled) return { allowed: false, reason: `${who} is disabled` };
  const [catalog, schema] = securableChain({ type: 'table', name: table }).map((s) => s.name);
  const permissions = resolvePermissions(grants, { type: 'table', name: table });
  // The most specific grant names the reason best: the table's own over its schema's over its catalog's.
  const from = (privilege: Privilege) => permissions.filter((p) => p.privilege === privilege).at(-1);
  const modify = from('MODIFY');
  const useCatalog = from('USE_CATALOG');
  const useSchema = from('USE_SCHEMA');
  const missing: string[] = [];
  if (modify === undefined) {
    missing.push(`${who} has no MODIFY on '${table}' (nor on schema '${schema}' or catalog '${catalog}')`);
  }
  if (useCatalog === undefined) missing.push(`${who} has no USE_CATALOG on catalog '${catalog}'`);
  if (useSchema === undefined) {
    missing.push(`${who} has no USE_SCHEMA on schema '${schema}' (nor on catalog '${catalog}')`);
  }
  if (modify === undefined || useCatalog === undefined || useSchema === undefined) {
    return { allowed: false, reason: missing.join('; ') };
  }
  return { allowed: true, who, modify, useCatalog, useSchema };
}

/**
 * Whether `principal` (undefined: unknown) may write to `table` (a parsed, lower-case `c.s.t`) by `grants` (the
 * principal's), by `checkWrite`. The reason names the grants that allow it, or every missing privilege.
 */
export function decideWrite(
  principal: PrincipalFacts | undefined,
  grants: readonly SecurableGrant[],
  table: string,
  principalId: string,
): WriteDecision {
  if (principal === undefined) return { allowed: false, reason: `principal '${principalId}' does not exist` };
  const check = checkWrite(principal, grants, table);
  if (!check.allowed) return check;
  const { who, modify, useCatalog, useSchema } = check;
  return {
    allowed: true,
    reason: `${who} may write to '${table}': ${[modify, useCatalog, useSchema].map((p) => p.reason).join('; ')}`,
  };
}
