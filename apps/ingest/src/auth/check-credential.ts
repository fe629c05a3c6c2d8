import { IngestError } from '../base/errors.js';
import type { CredentialDirectory, ProvisionedCredential } from '../catalog/catalog-view.js';

/**
 * Checks that credential `credentialId` of kind `kind` exists, belongs to `principalId`, is neither revoked
 * nor expired at `now`, and that the principal exists and is enabled. Returns the credential; throws
 * `IngestError('UNAUTHENTICATED')` naming what is wrong. Shared by both token kinds.
 */
export function checkCredential(
  directory: CredentialDirectory,
  principalId: string,
  credentialId: string,
  kind: ProvisionedCredential['kind'],
  now: number,
): ProvisionedCredential {
  const credential = directory.credential(credentialId);
  if (credential === undefined) throw unauthenticated(`unknown credential '${credentialId}'`);
  if (credential.kind !== kind) {
    throw unauthenticated(`credential '${credentialId}' is a ${credential.kind}, not a ${kind}`);
  }
  if (credential.principalId !== principalId) {
    throw unauthenticated(`credential '${credentialId}' does not belong to principal '${principalId}'`);
  }
  if (credential.revoked) throw unauthenticated(`revoked credential '${credentialId}'`);
  if (credential.expiresAt !== undefined && credential.expiresAt <= now) {
    throw unauthenticated(
      `credential '${credentialId}' expired at ${new Date(credential.expiresAt).toISOString()}`,
    );
  }
  const principal = directory.principal(principalId);
  if (principal === undefined) throw unauthenticated(`unknown principal '${principalId}'`);
  if (principal.disabled) throw unauthenticated(`principal '${principalId}' is disabled`);
  return credential;
}

/** `IngestError('UNAUTHENTICATED', message)`. */
export function unauthenticated(message: string, cause?: unknown): IngestError {
  return new IngestError('UNAUTHENTICATED', message, cause === undefined ? undefined : { cause });
}
