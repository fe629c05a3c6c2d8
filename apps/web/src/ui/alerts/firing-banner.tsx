'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { Banner } from '../feedback';
import { useTRPC } from '../trpc';

/** How often the banner asks which rules fire (ms). */
const POLL_MS = 5000;

/**
 * The banner on every console page while any alert rule fires: how many, their names and what they are about,
 * and a link to the Alerts page. Nothing while none fires.
 */
export function FiringAlertsBanner() {
  const trpc = useTRPC();
  const firing = useQuery({ ...trpc.alerts.firing.queryOptions(), refetchInterval: POLL_MS });
  const alerts = firing.data ?? [];
  if (alerts.length === 0) return null;
  return (
    <div className="mb-4" data-testid="alerts-banner">
      <Banner>
        <span className="font-medium">
          {alerts.length === 1 ? '1 alert is firing' : `${alerts.length} alerts are firing`}:
        </span>{' '}
        {alerts.map((a) => (a.subject === null ? a.ruleName : `${a.ruleName} (${a.subject})`)).join(', ')}.{' '}
        <Link href="/alerts" className="font-medium underline">
          See alerts
        </Link>
      </Banner>
    </div>
  );
}
