/** Host names that all mean "this machine": a console published on one of them is reached by any. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether `origin` is the console's public origin `expected`. A console published on a loopback address
 * (the embedded default, http://127.0.0.1:3000) also accepts the other loopback spellings with the same
 * scheme and port, so a browser opened on http://localhost:3000 works too; any other origin must match exactly.
 */
function isConsoleOrigin(origin: string, expected: URL): boolean {
  if (origin === expected.origin) return true;
  if (!LOOPBACK_HOSTS.has(expected.hostname)) return false;
  let actual: URL;
  try {
    actual = new URL(origin);
  } catch {
    return false;
  }
  return (
    actual.protocol === expected.protocol &&
    actual.port === expected.port &&
    LOOPBACK_HOSTS.has(actual.hostname)
  );
}

/**
 * The CSRF rule of the console's API: a request that can change something (any method but GET/HEAD/OPTIONS)
 * must carry an `Origin` header equal to the console's public origin (or, for a loopback console, another
 * loopback spelling of it). Browsers send `Origin` with every POST they make from a page, so a form or script
 * on another site is refused; `Sec-Fetch-Site: cross-site` is refused too. Returns the problem in words, or
 * undefined when the request may proceed.
 */
export function crossOriginProblem(request: Request, publicUrl: string): string | undefined {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return undefined;
  const expected = new URL(publicUrl);
  if (request.headers.get('sec-fetch-site') === 'cross-site') {
    return 'cross-site requests cannot change the catalog';
  }
  const origin = request.headers.get('origin');
  if (origin === null) return `a ${method} request needs an Origin header (${expected.origin})`;
  if (!isConsoleOrigin(origin, expected)) return `origin ${origin} is not this console (${expected.origin})`;
  return undefined;
}
