'use client';

import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { type ReactNode, useState } from 'react';
import type { AppRouter } from '../server/root';

/**
 * `useTRPC()` gives the typed query/mutation options of every procedure (tRPC v11 with TanStack Query);
 * `useTRPCClient()` the plain client, for what the options do not cover (paging by `beforeId`).
 */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** The tRPC error code of `error` (`UNAUTHORIZED`, `NOT_FOUND`, …), or undefined for other errors. */
export function trpcErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const code = (error.data as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A session that ended while a page was open: go to sign-in, then come back here. */
function onError(error: unknown): void {
  if (trpcErrorCode(error) !== 'UNAUTHORIZED') return;
  const { pathname, search } = window.location;
  if (pathname === '/sign-in' || pathname === '/setup') return;
  window.location.assign(`/sign-in?next=${encodeURIComponent(pathname + search)}`);
}

function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // Refusals (4xx: not found, forbidden, bad input) will not change by asking again.
        retry: (failures, error) => {
          const status = (error as TRPCClientError<AppRouter>).data?.httpStatus ?? 500;
          return status >= 500 && failures < 2;
        },
      },
    },
  });
}

/** Queries sent by POST: their input can outgrow a URL (Node refuses request heads over 16 KiB). */
const LARGE_INPUT_QUERIES = new Set(['tables.schemaPreview']);

/**
 * The console's data layer: one QueryClient and one tRPC client per browser tab. The server uses no
 * transformer (plain JSON: times are numbers of ms), so neither does the client. Queries go by GET, batched;
 * mutations by POST from the page's origin (the server's CSRF rule); queries whose input may not fit in a URL
 * (the create-table page's column list) go by POST too.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => LARGE_INPUT_QUERIES.has(op.path),
          true: httpLink({ url: '/api/trpc', methodOverride: 'POST' }),
          false: httpBatchLink({ url: '/api/trpc', maxURLLength: 4000 }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
