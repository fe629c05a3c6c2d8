import { ANONYMOUS, isCatalogError, recordEvent, verifyClientSecret } from '../catalog';
import { clientAddress } from '../http/client-address';
import type { WebServices } from '../services';
import { checkRequestedPrivileges } from './check-privileges';
import { issueAccessToken } from './issue-token';
import { OAuthError } from './oauth-error';
import { parseTokenRequest } from './token-request';

/**
 * `POST /oidc/v1/token` (OAuth 2.0 client credentials, as the Zerobus SDKs call it; spec: OAuth): verifies
 * the client secret with the catalog, checks every privilege `authorization_details` asks for against the
 * principal's grants, and answers `{access_token, token_type: 'Bearer', expires_in}`. Refusals are JSON
 * `{error, error_description}`: 400 malformed request, 401 unknown client / wrong secret / revoked / expired,
 * 403 disabled principal or privileges beyond the grants. The secret is never logged or echoed. Every token
 * issued (`token.issue`) and every refusal (`token.refuse`, with the client id when the request named one)
 * goes to the audit log.
 */
export async function handleTokenRequest(services: WebServices, request: Request): Promise<Response> {
  const address = clientAddress(request.headers);
  /** The client id the request named, and its principal once the secret proved it. */
  let clientId = '';
  let principalId = ANONYMOUS;
  try {
    const parsed = await parseTokenRequest(request);
    clientId = parsed.clientId;
    let credential: Awaited<ReturnType<typeof verifyClientSecret>>;
    try {
      credential = await verifyClientSecret(services.db, parsed.clientId, parsed.clientSecret, {
        ...(address === null ? {} : { address }),
      });
    } catch (error) {
      if (!isCatalogError(error)) throw error;
      if (error.code === 'FORBIDDEN') throw new OAuthError(403, 'access_denied', error.message);
      throw new OAuthError(401, 'invalid_client', error.message);
    }
    principalId = credential.principalId;
    await checkRequestedPrivileges(services.db, credential.principalId, parsed.requested);
    const { env } = services;
    const token = await issueAccessToken(
      services.signingKey,
      { issuer: env.publicUrl, audience: env.tokenAudience, ttlSeconds: env.tokenTtlSeconds },
      { principalId: credential.principalId, clientId: credential.clientId, scope: parsed.scope },
    );
    await recordEvent(
      services.db,
      { principalId, address },
      {
        action: 'token.issue',
        targetType: 'credential',
        target: clientId,
        details: {
          expiresIn: token.expiresIn,
          ...(parsed.scope === undefined ? {} : { scope: parsed.scope }),
        },
      },
    );
    return Response.json(
      {
        access_token: token.accessToken,
        token_type: 'Bearer',
        expires_in: token.expiresIn,
        ...(parsed.scope === undefined ? {} : { scope: parsed.scope }),
      },
      { headers: { 'cache-control': 'no-store', pragma: 'no-cache' } },
    );
  } catch (error) {
    if (error instanceof OAuthError) {
      await recordEvent(
        services.db,
        { principalId, address },
        {
          action: 'token.refuse',
          targetType: 'credential',
          target: clientId,
          details: { status: error.status, error: error.code, reason: error.message },
        },
      );
      return error.toResponse();
    }
    console.error(JSON.stringify({ level: 'error', message: 'token endpoint failed', error: String(error) }));
    return new OAuthError(
      500,
      'server_error',
      'internal error issuing the token; see the console log',
    ).toResponse();
  }
}
