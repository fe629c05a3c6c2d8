import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { readBearerToken } from '../auth/api-tokens';
import { findSession, readSessionCookie } from '../auth/sessions';
import { ANONYMOUS, recordEvent } from '../catalog';
import { appRouter } from '../root';
import type { WebServices } from '../services';
import { createContext } from '../trpc';
import { clientAddress } from './client-address';
import { crossOriginProblem } from './same-origin';

/** Records a request refused by the CSRF rule (`auth.refused`), by the session's user when it has one. */
async function recordCsrfRefusal(s: WebServices, request: Request, problem: string): Promise<void> {
  const token = readSessionCookie(request.headers.get('cookie'));
  const principalId = token === undefined ? undefined : await findSession(s.db, s.sessionSecret, token);
  await recordEvent(
    s.db,
    { principalId: principalId ?? ANONYMOUS, address: clientAddress(request.headers) },
    {
      action: 'auth.refused',
      targetType: 'request',
      target: new URL(request.url).pathname,
      details: { status: 403, kind: 'csrf', reason: problem, origin: request.headers.get('origin') },
    },
  );
}

/**
 * The handler of `/api/trpc/*`: queries by GET (or by POST, for inputs too large for a URL, such as the
 * create-table page's column list), mutations by POST only, and every POST from the console's own origin
 * (`crossOriginProblem`), else 403 with the reason — except a request with `Authorization: Bearer <API token>`:
 * it is authenticated by that token only (never by a cookie), and a browser never adds such a header to a
 * cross-site request by itself, so there is no ambient credential for a forged request to ride on. Unexpected errors go to
 * the log; the client gets tRPC's INTERNAL_SERVER_ERROR.
 */
export function createTrpcHandler(
  services: () => Promise<WebServices>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const s = await services();
    const bearer = readBearerToken(request.headers.get('authorization'));
    const problem = bearer === undefined ? crossOriginProblem(request, s.env.publicUrl) : undefined;
    if (problem !== undefined) {
      await recordCsrfRefusal(s, request, problem);
      return Response.json({ error: { code: 'FORBIDDEN', message: problem } }, { status: 403 });
    }
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req: request,
      router: appRouter,
      allowMethodOverride: true,
      createContext: ({ req, resHeaders }) => createContext(s, req, resHeaders),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(
            JSON.stringify({
              level: 'error',
              message: 'tRPC procedure failed',
              path,
              error: String(error.cause ?? error),
            }),
          );
        }
      },
    });
  };
}
