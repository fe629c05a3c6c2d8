'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';

/**
 * What a signed-out page does once a session starts (sign-in, first-run setup): drops every answer cached
 * while signed out (`auth.status` above all, or the console shell would send the user back), then replaces
 * the page with `path`.
 */
export function useEnterConsole(): (path: string) => void {
  const router = useRouter();
  const queryClient = useQueryClient();
  return (path) => {
    queryClient.removeQueries();
    router.replace(path);
  };
}
