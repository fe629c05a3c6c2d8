'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { type ReactNode, useEffect, useState } from 'react';
import { FiringAlertsBanner } from './alerts/firing-banner';
import { Button } from './button';
import { ErrorMessage, Loading } from './feedback';
import { Logo } from './logo';
import { hasRole, SessionContext, type SignedInUser } from './session';
import { MAIN_CONTENT_ID } from './skip-link';
import { Badge } from './table';
import { ThemeToggle } from './theme';
import { useTRPC } from './trpc';

/**
 * The console's sections, in the header's order; `admin` ones are shown to admins only, `menuOnly` ones in
 * the small screens' menu only (from `sm` up the header's user name links there).
 */
const NAV = [
  { href: '/tables', label: 'Tables' },
  { href: '/streams', label: 'Streams' },
  { href: '/principals', label: 'Principals & credentials' },
  { href: '/grants', label: 'Grants' },
  { href: '/nodes', label: 'Nodes' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/audit', label: 'Audit', admin: true },
  { href: '/account', label: 'Your account', menuOnly: true },
] as const;

/** The header's section links: a row from `md` up, a column in the small screens' menu. */
function NavLinks({
  user,
  layout,
  onFollow,
}: {
  user: SignedInUser;
  layout: 'row' | 'column';
  onFollow?: (() => void) | undefined;
}) {
  const pathname = usePathname();
  const shown = NAV.filter(
    (item) =>
      (!('admin' in item) || hasRole(user, 'admin')) && (!('menuOnly' in item) || layout === 'column'),
  );
  return shown.map((item) => {
    const active = pathname === item.href || pathname.startsWith(`${item.href}/`);
    return (
      <Link
        key={item.href}
        href={item.href}
        aria-current={active ? 'page' : undefined}
        {...(onFollow === undefined ? {} : { onClick: onFollow })}
        className={`rounded-md px-2.5 text-[13px] font-medium whitespace-nowrap ${layout === 'row' ? 'py-1.5' : 'block py-2.5'} ${
          active
            ? 'bg-zinc-100 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50'
            : 'text-zinc-600 hover:bg-zinc-50 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100'
        }`}
      >
        {item.label}
      </Link>
    );
  });
}

function Header({ user }: { user: SignedInUser }) {
  const trpc = useTRPC();
  // Small screens (under `md`): the sections are behind a menu button, not a scrolling strip.
  const [menuOpen, setMenuOpen] = useState(false);
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      // A full page load: every cached answer of this user is dropped with the page.
      onSuccess: () => window.location.assign('/sign-in'),
    }),
  );
  return (
    <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
      <div className="mx-auto flex h-12 max-w-7xl items-center gap-3 px-4 md:gap-6">
        <Link href="/tables" className="shrink-0">
          <Logo />
        </Link>
        <nav aria-label="Console" className="hidden min-w-0 flex-1 gap-1 md:flex">
          <NavLinks user={user} layout="row" />
        </nav>
        <div className="flex-1 md:hidden" />
        <div className="flex shrink-0 items-center gap-1 sm:gap-2">
          <Link
            href="/account"
            title="Your account: change your password"
            className="hidden rounded px-1 text-[13px] text-zinc-600 hover:underline sm:inline dark:text-zinc-300"
            data-testid="signed-in-user"
          >
            {user.name}
          </Link>
          {user.role === null ? null : (
            <span className="hidden sm:inline-flex">
              <Badge tone={user.role === 'admin' ? 'accent' : 'neutral'}>{user.role}</Badge>
            </span>
          )}
          <ThemeToggle />
          <Button size="sm" variant="ghost" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
            Sign out
          </Button>
          <Button
            size="sm"
            className="md:hidden"
            aria-expanded={menuOpen}
            aria-controls="console-menu"
            onClick={() => setMenuOpen(!menuOpen)}
          >
            {menuOpen ? 'Close menu' : 'Menu'}
          </Button>
        </div>
      </div>
      <nav
        id="console-menu"
        aria-label="Console menu"
        hidden={!menuOpen}
        className="mx-auto flex max-w-7xl flex-col gap-0.5 border-t border-zinc-200 px-4 py-2 md:hidden dark:border-zinc-800"
      >
        <NavLinks user={user} layout="column" onFollow={() => setMenuOpen(false)} />
      </nav>
      {signOut.error === null ? null : (
        <div className="mx-auto max-w-7xl px-4 pb-2">
          <ErrorMessage error={signOut.error} />
        </div>
      )}
    </header>
  );
}

/**
 * The frame of every console page: asks `auth.status`, sends signed-out users to sign-in (and back here
 * afterwards) and a fresh install to first-run setup, then shows the header (sections, user linking to their
 * account, role, theme, sign-out), the banner of firing alerts, and the page, which reads the user with
 * `useSession()`.
 */
export function ConsoleShell({ children }: { children: ReactNode }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const status = useQuery(trpc.auth.status.queryOptions());
  const data = status.data;

  useEffect(() => {
    if (data === undefined) return;
    if (data.needsSetup) router.replace('/setup');
    else if (data.user === null) router.replace(`/sign-in?next=${encodeURIComponent(pathname)}`);
  }, [data, pathname, router]);

  if (status.error !== null) {
    return (
      <div className="mx-auto max-w-md px-4 py-24">
        <ErrorMessage error={status.error} />
      </div>
    );
  }
  if (data === undefined || data.user === null) return <Loading what="the console" />;
  return (
    <SessionContext value={data.user}>
      <Header user={data.user} />
      <main id={MAIN_CONTENT_ID} tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 outline-none">
        <FiringAlertsBanner />
        {children}
      </main>
    </SessionContext>
  );
}
