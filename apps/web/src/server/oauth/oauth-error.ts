/** OAuth error codes (RFC 6749 §5.2), plus `access_denied` for privileges beyond the grants. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error';

/**
 * A refusal of the token endpoint: HTTP status, OAuth error code and a description in words. 4xx is final
 * for the Zerobus SDKs (they do not retry), so every refusal a retry cannot fix is a 4xx.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: 400 | 401 | 403 | 500,
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The JSON response: `{error, error_description}`; 401 adds `WWW-Authenticate: Basic`. */
  toResponse(): Response {
    const headers: Record<string, string> = { 'cache-control': 'no-store' };
    if (this.status === 401) headers['www-authenticate'] = 'Basic realm="lakestream", charset="UTF-8"';
    return Response.json(
      { error: this.code, error_description: this.message },
      { status: this.status, headers },
    );
  }
}
