import type { ReactNode } from 'react';
import { Logo } from './logo';
import { MAIN_CONTENT_ID } from './skip-link';
import { ThemeToggle } from './theme';

/** The centred card of the signed-out pages (sign-in, first-run setup). */
export function AuthCard({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center px-4 py-12">
      <div className="absolute top-3 right-3">
        <ThemeToggle />
      </div>
      <div className="mb-6">
        <Logo />
      </div>
      <main
        id={MAIN_CONTENT_ID}
        tabIndex={-1}
        className="w-full max-w-sm rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      >
        <h1 className="text-base font-semibold text-zinc-900 dark:text-zinc-50">{title}</h1>
        <p className="mt-1 mb-5 text-sm text-zinc-500 dark:text-zinc-400">{description}</p>
        {children}
      </main>
    </div>
  );
}
