'use client';

import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import type { ChartWindow } from '../../server/streams/chart-view';
import type { ChartMetricId } from './chart-metrics';
import { type ChartState, chartStateQuery, readChartState } from './chart-state';

/**
 * The page's chart state from its URL, and a setter that writes it back (`router.replace`: no history entry
 * per toggle, no scroll), so that a reload keeps the window, the metric, the selected range and the hidden
 * series. Needs a `Suspense` boundary above it (it reads the query string).
 */
export function useChartState(defaults: {
  window: ChartWindow;
  metric: ChartMetricId;
}): [ChartState, (change: Partial<ChartState>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const { window, metric } = defaults;
  const state = useMemo(() => readChartState(params, { window, metric }), [params, window, metric]);
  const update = useCallback(
    (change: Partial<ChartState>) => {
      const query = chartStateQuery(new URLSearchParams(params.toString()), state, change);
      router.replace(`${pathname}${query}`, { scroll: false });
    },
    [params, pathname, router, state],
  );
  return [state, update];
}
