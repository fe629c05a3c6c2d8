import './globals.css';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SkipLink } from '../src/ui/skip-link';
import { THEME_SCRIPT } from '../src/ui/theme-script';
import { Providers } from '../src/ui/trpc';

/** Metadata of every page of the console; pages set their own title into the template. */
export const metadata: Metadata = {
  title: { default: 'Lakestream', template: '%s · Lakestream' },
  description: 'Self-hosted push ingestion for Delta Lake',
};

/**
 * The root layout: the theme script (dark class before the first paint), the skip link, then the data
 * providers. The
 * script changes <html>'s class before React hydrates, hence `suppressHydrationWarning` on <html> only.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours (theme-script.ts), no user input */}
        <script dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
      </head>
      <body className="min-h-screen text-sm">
        <SkipLink />
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
