import type { Metadata } from 'next';
import { AlertsView } from './alerts-view';

export const metadata: Metadata = { title: 'Alerts' };

/** `/alerts`: the alert rules, what fires now, and the recent firings and resolutions. */
export default function AlertsPage() {
  return <AlertsView />;
}
