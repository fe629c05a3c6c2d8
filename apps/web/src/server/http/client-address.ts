/**
 * The client address a request claims through its proxy's headers (first `X-Forwarded-For` hop, else
 * `X-Real-IP`), or null. For the audit log and credential bookkeeping only, never for access decisions:
 * the console is meant to sit behind a proxy that sets these headers.
 */
export function clientAddress(headers: Headers): string | null {
  const forwarded = headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || headers.get('x-real-ip')?.trim() || null;
}
