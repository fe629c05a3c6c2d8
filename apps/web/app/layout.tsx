import type { ReactNode } from 'react';

/** Metadata of every page of the console. */
export const metadata = { title: 'Lakestream', description: 'Self-hosted push ingestion for Delta Lake' };

/** The root layout: the console's pages render inside it. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
