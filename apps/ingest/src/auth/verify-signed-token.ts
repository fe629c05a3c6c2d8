import { decodeProtectedHeader, errors, importJWK, type JWTPayload, jwtVerify } from 'jose';
import type { ProvisionedCatalog } from '../catalog/catalog-view.js';
import type { Principal } from './authenticator.js';
import { checkCredential, unauthenticated } from './check-credential.js';

type PublicKey = Awaited<ReturnType<typeof importJWK>>;

/** Imported keys per snapshot: a new snapshot (key rotation) starts afresh, old ones are collected. */
const keyCache = new WeakMap<ProvisionedCatalog, Map<string, Promise<PublicKey>>>();

function importKey(catalog: ProvisionedCatalog, kid: string): Promise<PublicKey> | undefined {
  const key = catalog.tokenKey(kid);
  if (key === undefined) return undefined;
  let keys = keyCache.get(catalog);
  if (keys === undefined) {
    keys = new Map();
    keyCache.set(catalog, keys);
  }
  let imported = keys.get(kid);
  if (imported === undefined) {
    imported = importJWK({ ...key.publicJwk }, 'EdDSA');
    keys.set(kid, imported);
  }
  return imported;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * Verifies a control-plane JWT against `catalog`: EdDSA (Ed25519) only, the key chosen by `kid` among the
 * snapshot's `tokenKeys`, `iss`/`aud` equal to the snapshot's, `exp` and `sub` required, `clockToleranceSec`
 * either way on `exp`/`nbf`. The principal is `sub`; the credential is the OAuth client of `client_id` (or
 * `azp`), which must be provisioned, not revoked, and the principal's. Throws `IngestError('UNAUTHENTICATED')`
 * saying what is wrong.
 */
export async function verifySignedToken(
  catalog: ProvisionedCatalog,
  token: string,
  now: number,
  clockToleranceSec: number,
): Promise<Principal> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(token);
  } catch (error) {
    throw unauthenticated('malformed token: its header is not base64url-encoded JSON', error);
  }
  if (header.alg !== 'EdDSA') {
    throw unauthenticated(`the token is signed with '${header.alg}'; this node accepts EdDSA (Ed25519) only`);
  }
  const kid = header.kid;
  if (kid === undefined) throw unauthenticated('the token has no key id (kid) in its header');
  const key = importKey(catalog, kid);
  if (key === undefined) {
    throw unauthenticated(
      `unknown key id '${kid}': the node's catalog (version ${catalog.version}) has no such key`,
    );
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await key, {
      algorithms: ['EdDSA'],
      issuer: catalog.tokenIssuer,
      audience: catalog.tokenAudience,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: clockToleranceSec,
      currentDate: new Date(now),
    }));
  } catch (error) {
    throw unauthenticated(describeJoseError(error, catalog, kid, now, clockToleranceSec), error);
  }

  const principalId = payload.sub!;
  const clientId = payload.client_id ?? payload.azp;
  if (typeof clientId !== 'string' || clientId === '') {
    throw unauthenticated('the token names no OAuth client (no client_id or azp claim)');
  }
  checkCredential(catalog, principalId, clientId, 'oauth_client', now);
  return { id: principalId, credentialId: clientId, expiresAt: payload.exp! * 1000 };
}

function describeJoseError(
  error: unknown,
  catalog: ProvisionedCatalog,
  kid: string,
  now: number,
  toleranceSec: number,
): string {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    const at = typeof exp === 'number' ? iso(exp) : 'an unknown time';
    return `the token expired at ${at} (now ${new Date(now).toISOString()}, ${toleranceSec} s tolerance); get a new one`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return `bad signature: the token does not verify with key '${kid}'`;
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    const p = error.payload;
    if (error.reason === 'missing') {
      const what: Record<string, string> = {
        exp: 'expiry (exp)',
        sub: 'subject (sub)',
        iss: 'issuer (iss)',
        aud: 'audience (aud)',
      };
      return `the token has no ${what[error.claim] ?? `'${error.claim}' claim`}`;
    }
    switch (error.claim) {
      case 'iss':
        return `wrong issuer ${JSON.stringify(p.iss)}: expected '${catalog.tokenIssuer}'`;
      case 'aud':
        return `wrong audience ${JSON.stringify(p.aud)}: expected '${catalog.tokenAudience}'`;
      case 'nbf':
        return `the token is not valid before ${typeof p.nbf === 'number' ? iso(p.nbf) : 'its nbf'}`;
      default:
        return `the token's '${error.claim}' claim is invalid: ${error.message}`;
    }
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return `malformed token: ${error.message}`;
  }
  return `the token cannot be verified: ${error instanceof Error ? error.message : String(error)}`;
}
