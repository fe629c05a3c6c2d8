import type { Actor } from '@lakestream/catalog';
import { createCredential } from '../catalog';
import { issueAccessToken } from '../oauth/issue-token';
import type { WebServices } from '../services';

/** How long the credential behind test-record tokens lives; one is reused until 2 minutes before its end. */
const CREDENTIAL_TTL_MS = 30 * 60_000;
const REUSE_MARGIN_MS = 2 * 60_000;
/** How long one test record's token lives: the call's deadline and the node's clock tolerance fit in it. */
const TOKEN_TTL_SECONDS = 60;

interface ConsoleCredential {
  readonly clientId: string;
  readonly expiresAt: number;
}

/** Per services (one catalog), per user: the credential in use. Lost on restart; the old ones expire alone. */
const inUse = new WeakMap<WebServices, Map<string, ConsoleCredential>>();

/**
 * A 60-second bearer token acting for the signed-in user, as the node checks a producer's: `sub` the user,
 * `client_id` an OAuth client of the user's own. The client is created here (audited `credential.create`,
 * expiring after 30 minutes, its secret thrown away: only this server signs tokens for it) and pushed to the
 * nodes before first use; later records reuse it. The token never leaves the server.
 *
 * Why the user's own rights: the node then decides exactly as for a producer — the user's grants (MODIFY,
 * USE_CATALOG, USE_SCHEMA), revocations and disabled principals apply — so the console can send nothing its
 * user could not; a console-wide principal would need MODIFY everywhere and would hide who wrote the row.
 */
export async function testRecordToken(
  services: WebServices,
  actor: Actor,
  now = Date.now(),
): Promise<string> {
  let byUser = inUse.get(services);
  if (byUser === undefined) {
    byUser = new Map();
    inUse.set(services, byUser);
  }
  let credential = byUser.get(actor.principalId);
  if (credential === undefined || credential.expiresAt - now < REUSE_MARGIN_MS) {
    const issued = await createCredential(services.db, actor, actor.principalId, {
      expiresAt: now + CREDENTIAL_TTL_MS,
    });
    credential = { clientId: issued.clientId, expiresAt: now + CREDENTIAL_TTL_MS };
    byUser.set(actor.principalId, credential);
    // The nodes must know the client before they see a token for it.
    await services.provisioner.notifyChanged();
  }
  const { env } = services;
  const token = await issueAccessToken(
    services.signingKey,
    { issuer: env.publicUrl, audience: env.tokenAudience, ttlSeconds: TOKEN_TTL_SECONDS },
    { principalId: actor.principalId, clientId: credential.clientId, scope: undefined },
    now,
  );
  return token.accessToken;
}

/** Forgets the user's credential (the node refused it: revoked, or unknown to a node): the next one is new. */
export function forgetTestRecordCredential(services: WebServices, principalId: string): void {
  inUse.get(services)?.delete(principalId);
}
