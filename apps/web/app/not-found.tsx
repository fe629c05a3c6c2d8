import type { Metadata } from 'next';
import { ButtonLink } from '../src/ui/button';
import { Logo } from '../src/ui/logo';
import { MAIN_CONTENT_ID } from '../src/ui/skip-link';

export const metadata: Metadata = { title: 'Not found' };

/** Any path the console does not have. */
export default function NotFound() {
  return (
    <main
      id={MAIN_CONTENT_ID}
      tabIndex={-1}
      className="flex min-h-screen flex-col items-center justify-center gap-4 px-4 text-center"
    >
      <Logo />
      <h1 className="text-base font-semibold">This page does not exist</h1>
      <p className="text-sm text-zinc-500 dark:text-zinc-400">
        Check the address, or start again from the tables.
      </p>
      <ButtonLink href="/tables" variant="primary">
        Go to tables
      </ButtonLink>
    </main>
  );
}
