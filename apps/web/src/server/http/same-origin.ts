/**
 * The CSRF rule of the console's API: a request that can change something (any method but GET/HEAD/OPTIONS)
 * must carry an `Origin` header equal to the console's public origin. Browsers send `Origin` with every POST
 * they make from a page, so a form or script on another site is refused; `Sec-Fetch-Site: cross-site` is
 * refused too. Returns the problem in words, or undefined when the request may proceed.
 */
export function crossOriginProblem(request: Request, publicUrl: string): string | undefined {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const expected = new URL(publicUrl).origin;
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    return 'cross-site requests cannot change the catalog';
  }
  const origin = request.headers.get('origin');
  if (origin === null) return `a ${method} request needs an Origin header (${expected})`;
  if (origin !== expected) return `origin ${origin} is not this console (${expected})`;
  return undefined;
}
