import { createHash, timingSafeEqual } from 'node:crypto';
import { IngestError } from '../base/errors.js';
import type { CatalogSource, ProvisionedCatalog } from '../catalog/catalog-view.js';
import type { Authenticator, Principal } from './authenticator.js';
import { checkCredential, unauthenticated } from './check-credential.js';
import { PRODUCER_TOKEN_PREFIX, parseProducerToken } from './producer-token.js';
import { verifySignedToken } from './verify-signed-token.js';

/** Options of `createAuthenticator`. */
export interface AuthenticatorOptions {
  /** Leeway on `exp`/`nbf` of signed tokens, in seconds. Default 30. */
  readonly clockToleranceSec?: number;
  /** The clock (ms since the epoch). Default `Date.now`; tests move it. */
  readonly now?: () => number;
}

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * The node's `Authenticator`, reading the current snapshot of `catalog` on every call (so a revocation
 * pushed a moment ago applies to the next call). `Bearer <jwt>` is verified as a control-plane token
 * (`verifySignedToken`); `Bearer lsp_<id>_<secret>` as a producer token: credential `id` of kind
 * `producer_token`, the token's sha256 compared in constant time with its `tokenHash`, then revocation,
 * expiry and the principal. Every refusal is `IngestError('UNAUTHENTICATED')` saying what is wrong, except
 * a node that was never provisioned (catalog version 0): `UNAVAILABLE`, so clients retry (another node, or
 * this one once the control plane has pushed).
 */
export function createAuthenticator(
  catalog: CatalogSource<ProvisionedCatalog>,
  options: AuthenticatorOptions = {},
): Authenticator {
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSec ?? 30;
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization.trim() === '') {
        throw unauthenticated("missing authorization header: send 'authorization: Bearer <token>'");
      }
      const match = BEARER.exec(authorization.trim());
      if (match === null) {
        throw unauthenticated("the authorization header is not a Bearer token: expected 'Bearer <token>'");
      }
      const token = match[1]!;
      const view = catalog.current();
      if (view.version === 0) {
        throw new IngestError(
          'UNAVAILABLE',
          'this node has no provisioned catalog yet, so it cannot check tokens; retry once the control plane has pushed one',
        );
      }
      if (token.startsWith(PRODUCER_TOKEN_PREFIX)) return verifyProducerToken(view, token, now());
      if (token.split('.').length !== 3) {
        throw unauthenticated(
          'the bearer token is neither a signed token (JWT) nor a producer token (lsp_<id>_<secret>)',
        );
      }
      return verifySignedToken(view, token, now(), tolerance);
    },
  };
}

function verifyProducerToken(view: ProvisionedCatalog, token: string, now: number): Principal {
  const parsed = parseProducerToken(token);
  if (parsed === undefined) throw unauthenticated('malformed producer token: expected lsp_<id>_<secret>');
  const credential = view.credential(parsed.id);
  if (credential === undefined) throw unauthenticated(`unknown producer token '${parsed.id}'`);
  if (credential.kind !== 'producer_token' || credential.tokenHash === undefined) {
    throw unauthenticated(`credential '${parsed.id}' is not a producer token`);
  }
  // The hash is checked before anything else is revealed about the credential.
  const expected = Buffer.from(credential.tokenHash.slice('sha256:'.length), 'hex');
  const actual = createHash('sha256').update(token, 'utf8').digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw unauthenticated(`wrong secret for producer token '${parsed.id}'`);
  }
  checkCredential(view, credential.principalId, credential.id, 'producer_token', now);
  return { id: credential.principalId, credentialId: credential.id, expiresAt: credential.expiresAt };
}
