/** Who is calling, once their bearer token checked out. */
export interface Principal {
  /** The principal's id in the catalog (a service principal or a user). */
  readonly id: string;
  /** The credential that proved it: the OAuth client id of a signed token, or a producer token's id. */
  readonly credentialId: string;
  /** When the token stops being valid (ms since the epoch); `undefined` for long-lived producer tokens. */
  readonly expiresAt: number | undefined;
}

/**
 * Checks an `authorization` header value (`Bearer <token>`): a short-lived Ed25519 JWT from the control
 * plane (issuer, audience, expiry verified locally with the provisioned keys) or a long-lived producer token
 * (checked against its stored hash). Throws `IngestError('UNAUTHENTICATED', …)` saying what is wrong.
 */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}
