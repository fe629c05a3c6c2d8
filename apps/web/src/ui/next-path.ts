/**
 * Where to go after signing in: the `next` query parameter when it is a path of this console (never another
 * site: `//evil.example` and `https://…` are refused), else the tables.
 */
export function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  if (next === null || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\'))
    return '/tables';
  if (next.startsWith('/sign-in') || next.startsWith('/setup')) return '/tables';
  return next;
}
