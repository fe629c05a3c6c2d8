'use client';

import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useTRPC } from './trpc';

/**
 * A function naming principal ids (`createdBy`, audit actors, grantees): the principal's name, `system` for
 * the console itself, else the id as it is (a principal not loaded yet, or deleted).
 */
export function usePrincipalNames(): (id: string) => string {
  const trpc = useTRPC();
  const principals = useQuery(trpc.principals.list.queryOptions());
  const data = principals.data;
  return useCallback(
    (id: string) => {
      if (id === 'system') return 'system';
      return data?.find((p) => p.id === id)?.name ?? id;
    },
    [data],
  );
}
