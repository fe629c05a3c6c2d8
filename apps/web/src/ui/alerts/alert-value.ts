import { ALERT_KIND_INFO, type AlertKind } from '@lakestream/catalog/contract';
import { formatNumber } from '../format';

/** A rule's value in its kind's unit: `42.5 s`, `1.2 errors/s`, `6.9 days`; `—` when there is none. */
export function formatAlertValue(kind: AlertKind, value: number | null): string {
  return value === null ? '—' : `${formatNumber(value)} ${ALERT_KIND_INFO[kind].unit}`;
}
