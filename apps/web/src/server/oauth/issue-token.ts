import { SignJWT } from 'jose';
import type { SigningKey } from './signing-key';

/** What an access token says. */
export interface TokenClaims {
  /** The principal the token acts for (`sub`). */
  readonly principalId: string;
  /** The OAuth client (credential) it was issued to (`client_id`). */
  readonly clientId: string;
  readonly scope: string | undefined;
}

/** Token settings: issuer (the console's public URL), audience (the ingest nodes'), lifetime. */
export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

/** A signed access token and its lifetime in seconds. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/**
 * Signs an access token: an EdDSA (Ed25519) JWT with `kid` in its header, `iss`, `aud`, `sub`, `client_id`,
 * `iat`, `exp` (now + ttl), a random `jti` and `scope` when asked — what ingest nodes verify against the
 * snapshot's `tokenKeys`, issuer and audience.
 */
export async function issueAccessToken(
  key: SigningKey,
  settings: TokenSettings,
  claims: TokenClaims,
  now = Date.now(),
): Promise<IssuedToken> {
  const iat = Math.floor(now / 1000);
  const jwt = new SignJWT({
    client_id: claims.clientId,
    ...(claims.scope === undefined ? {} : { scope: claims.scope }),
  })
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setSubject(claims.principalId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .setJti(crypto.randomUUID());
  return { accessToken: await jwt.sign(key.privateKey), expiresIn: settings.ttlSeconds };
}
