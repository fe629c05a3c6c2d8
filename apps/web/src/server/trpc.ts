/**
 * The console's tRPC setup, the t3 way: 1. context, 2. initialisation (transformer-free JSON, error
 * formatting), 3. catalog errors → tRPC errors, 4. procedures (public, authed, editor, admin).
 * Routers (server/routers/*) use only what this file exports.
 */
import type { Actor, CatalogErrorCode, PrincipalInfo, UserRole } from '@lakestream/catalog';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import { authenticateApiToken, readBearerToken, weakerRole } from './auth/api-tokens';
import { findSession, readSessionCookie } from './auth/sessions';
import { ANONYMOUS, assertRole, CatalogError, findPrincipal, isCatalogError, recordEvent } from './catalog';
import { clientAddress } from './http/client-address';
import { inputErrorMessage } from './input-errors';
import type { WebServices } from './services';

/* ── 1. Context ─────────────────────────────────────────────────────────────────────────────────────── */

/** What every procedure sees: the services, the signed-in user (or null), the client's address. */
export interface Context {
  readonly services: WebServices;
  /** The signed-in console user, or null (anonymous, expired session, disabled user). */
  readonly user: PrincipalInfo | null;
  /** The session token of the request's cookie, when any (sign-out deletes it). */
  readonly sessionToken: string | null;
  /** The client's address (first `X-Forwarded-For` hop, else `X-Real-IP`), for the audit log. */
  readonly address: string | null;
  /** Adds a `Set-Cookie` header to the response. */
  readonly setCookie: (value: string) => void;
  /**
   * Set when the request came with `Authorization: Bearer <API token>` rather than a session: the token's id
   * and role (its scope; `user.role` is already capped by it).
   */
  readonly apiToken?: { readonly id: string; readonly role: UserRole } | undefined;
  /** Why the request's credential was refused (a revoked or expired API token), for the UNAUTHORIZED message. */
  readonly authProblem?: string | undefined;
}

/** An enabled user, or null. */
async function enabledUser(
  services: WebServices,
  principalId: string | undefined,
): Promise<PrincipalInfo | null> {
  const principal = principalId === undefined ? undefined : await findPrincipal(services.db, principalId);
  return principal !== undefined && principal.kind === 'user' && !principal.disabled ? principal : null;
}

/**
 * The identity of a request with `Authorization: Bearer <token>`: only the API token counts (a cookie sent
 * along is ignored), and the user's role is capped by the token's.
 */
async function bearerIdentity(
  services: WebServices,
  token: string,
  address: string | null,
): Promise<Pick<Context, 'user' | 'apiToken' | 'authProblem'>> {
  const result = await authenticateApiToken(services.db, token, address);
  if (!result.ok) return { user: null, authProblem: result.problem };
  const user = await enabledUser(services, result.principalId);
  if (user === null || user.role === null)
    return { user: null, authProblem: "the API token's user is disabled" };
  return {
    user: { ...user, role: weakerRole(user.role, result.role) },
    apiToken: { id: result.tokenId, role: result.role },
  };
}

/**
 * The context of one request: an `Authorization: Bearer` API token, else the session cookie, resolves to an
 * enabled user, or to no one. Used by the route handler; tests build a `Context` directly (`createCaller`).
 */
export async function createContext(
  services: WebServices,
  request: Request,
  responseHeaders: Headers,
): Promise<Context> {
  const address = clientAddress(request.headers);
  const setCookie = (value: string) => responseHeaders.append('set-cookie', value);
  const bearer = readBearerToken(request.headers.get('authorization'));
  if (bearer !== undefined) {
    return {
      services,
      sessionToken: null,
      address,
      setCookie,
      ...(await bearerIdentity(services, bearer, address)),
    };
  }
  const token = readSessionCookie(request.headers.get('cookie')) ?? null;
  const principalId =
    token === null ? undefined : await findSession(services.db, services.sessionSecret, token);
  return {
    services,
    user: await enabledUser(services, principalId),
    sessionToken: token,
    address,
    setCookie,
  };
}

/* ── 2. Initialisation ──────────────────────────────────────────────────────────────────────────────── */

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // Input errors in sentences naming the field, not tRPC's JSON dump of the issues.
      message: cause instanceof ZodError ? inputErrorMessage(cause) : shape.message,
      data: {
        ...shape.data,
        // The catalog's own code (INVALID_NAME, ALREADY_EXISTS, …) for the UI to react to.
        catalogCode: isCatalogError(cause) ? cause.code : null,
        zodIssues: cause instanceof ZodError ? z.treeifyError(cause) : null,
      },
    };
  },
});

/** Builds a router from procedures. */
export const createTRPCRouter = t.router;
/** Builds a server-side caller of a router (tests, server components). */
export const createCallerFactory = t.createCallerFactory;

/* ── 3. Catalog errors ──────────────────────────────────────────────────────────────────────────────── */

const CODES: Record<CatalogErrorCode, TRPCError['code']> = {
  INVALID_NAME: 'BAD_REQUEST',
  INVALID_TYPE: 'BAD_REQUEST',
  INVALID_GRANT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  NOT_EMPTY: 'CONFLICT',
  FORBIDDEN: 'FORBIDDEN',
  INVALID_CREDENTIAL: 'BAD_REQUEST',
  EXPIRED: 'BAD_REQUEST',
  REVOKED: 'BAD_REQUEST',
  INVALID_ALERT_RULE: 'BAD_REQUEST',
};

/**
 * A `CatalogError` thrown by a procedure becomes the matching tRPC error, keeping its words; a refusal
 * (FORBIDDEN: a role or a rule of the catalog says no) is recorded in the audit log as `auth.refused`.
 */
const catalogErrors = t.middleware(async ({ ctx, path, type, next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  const code = isCatalogError(cause) ? CODES[cause.code] : result.error.code;
  if (code === 'FORBIDDEN') {
    await recordEvent(
      ctx.services.db,
      { principalId: ctx.user?.id ?? ANONYMOUS, address: ctx.address },
      {
        action: 'auth.refused',
        targetType: 'request',
        target: path,
        details: { status: 403, type, reason: isCatalogError(cause) ? cause.message : result.error.message },
      },
    );
  }
  if (isCatalogError(cause)) throw new TRPCError({ code: CODES[cause.code], message: cause.message, cause });
  return result;
});

/* ── 4. Procedures ──────────────────────────────────────────────────────────────────────────────────── */

/** Anyone, signed in or not (sign-in, first-run setup). */
export const publicProcedure = t.procedure.use(catalogErrors);

/**
 * A signed-in (or API-token-bearing), enabled console user of any role; `ctx.actor` is who they are for the
 * audit log.
 */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.user === null) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: ctx.authProblem ?? 'sign in first' });
  }
  const actor: Actor = { principalId: ctx.user.id, address: ctx.address };
  return next({ ctx: { user: ctx.user, actor } });
});

/** A signed-in user with a session: what an API token may not do (create API tokens). */
export const sessionProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.apiToken !== undefined) {
    throw new CatalogError('FORBIDDEN', 'an API token cannot do this; sign in to the console');
  }
  return next();
});

/** Refuses a request whose API token's role is below `minimum` (the user's own role is checked apart). */
function assertTokenScope(ctx: Context, minimum: UserRole): void {
  const token = ctx.apiToken;
  if (token !== undefined && weakerRole(token.role, minimum) !== minimum) {
    throw new CatalogError('FORBIDDEN', `this API token has the ${token.role} role; this needs ${minimum}`);
  }
}

/** An editor or admin: changes tables and grants. */
export const editorProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await assertRole(ctx.services.db, ctx.actor, 'editor');
  assertTokenScope(ctx, 'editor');
  return next();
});

/** An admin: manages principals, credentials and ingest nodes. */
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  await assertRole(ctx.services.db, ctx.actor, 'admin');
  assertTokenScope(ctx, 'admin');
  return next();
});

/**
 * Pushes the catalog to every ingest node after a successful change, without making the caller wait for
 * slow or unreachable nodes (the reconciler retries them).
 */
export function provisionAfterChange(ctx: Context): void {
  void ctx.services.provisioner.notifyChanged();
}
